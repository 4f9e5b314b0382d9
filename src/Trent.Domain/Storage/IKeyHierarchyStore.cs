namespace Trent.Domain.Storage;

/// <summary>A domain key (or the fingerprint key) as the root of trust wrapped it; <see cref="Purpose"/> and
/// <see cref="Version"/> are bound into the wrapping, so a row moved or renumbered does not unwrap.</summary>
public sealed record WrappedKeyRecord(string Purpose, uint Version, byte[] Wrapped, DateTimeOffset CreatedAt);

/// <summary>
/// Durable storage of the key hierarchy's wrapped keys and of its few markers, shared by every node on the store.
/// Contract: versions of a purpose are unique and never replaced (<see cref="TryAddWrappedKeyAsync"/> is the
/// race several starting nodes settle on); a marker once set stays set.
/// </summary>
public interface IKeyHierarchyStore
{
    /// <summary>Every wrapped key, by purpose and then version.</summary>
    Task<IReadOnlyList<WrappedKeyRecord>> ListWrappedKeysAsync(CancellationToken cancellationToken);

    /// <summary>Adds a wrapped key; false (and nothing changed) when its purpose and version exist already.</summary>
    Task<bool> TryAddWrappedKeyAsync(WrappedKeyRecord key, CancellationToken cancellationToken);

    Task<bool> HasMarkerAsync(string name, CancellationToken cancellationToken);

    Task SetMarkerAsync(string name, DateTimeOffset at, CancellationToken cancellationToken);
}
