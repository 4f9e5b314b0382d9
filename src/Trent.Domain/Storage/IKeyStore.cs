using Trent.Domain.Keys;

namespace Trent.Domain.Storage;

/// <summary>
/// Durable storage of keys and their sealed material. Implementations must make every write durable
/// before returning, and make <see cref="TryUpdateKeyAsync"/> atomic against concurrent writers
/// (possibly on other nodes) through <see cref="KeyRecord.RowVersion"/>.
/// </summary>
public interface IKeyStore
{
    /// <summary>Stores a new key and its first material (none for a key awaiting import) in one transaction.</summary>
    Task CreateKeyAsync(KeyRecord key, KeyMaterialRecord? material, CancellationToken cancellationToken);

    /// <summary>Stores many new keys in one transaction (bulk seeding).</summary>
    Task CreateKeysAsync(IReadOnlyList<(KeyRecord Key, KeyMaterialRecord? Material)> keys, CancellationToken cancellationToken);

    Task<KeyRecord?> GetKeyAsync(string accountId, string region, string keyId, CancellationToken cancellationToken);

    /// <summary>Replaces the key, and adds or replaces the given material versions, in one transaction, if the
    /// key's stored row version is still <paramref name="expectedRowVersion"/>. For the primary key of a
    /// multi-Region set, the same transaction gives every other key of the set the primary's shared properties
    /// (current material, rotation settings and schedule, primary Region), raising the row version of each
    /// key it changes; a replica's write changes only its own row. Material is the set's: when a write by any
    /// key of a set empties a material version (imported material deleted or expired), the set's other Enabled or
    /// Disabled keys whose current version it is become PendingImport in the same transaction.</summary>
    Task<bool> TryUpdateKeyAsync(
        KeyRecord key, long expectedRowVersion, IReadOnlyList<KeyMaterialRecord>? materials, CancellationToken cancellationToken);

    /// <summary>Keys of an account and Region ordered by key ID, starting after <paramref name="afterKeyId"/>.</summary>
    Task<IReadOnlyList<KeyRecord>> ListKeysAsync(
        string accountId, string region, string? afterKeyId, int limit, CancellationToken cancellationToken);

    Task<KeyMaterialRecord?> GetMaterialAsync(string keyId, uint version, CancellationToken cancellationToken);

    /// <summary>Every material version of a key, oldest first.</summary>
    Task<IReadOnlyList<KeyMaterialRecord>> ListMaterialsAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Keys in PendingDeletion whose deletion date is at or before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<KeyRecord>> ListKeysDueForDeletionAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Enabled keys with automatic rotation whose next rotation date is at or before <paramref name="now"/>:
    /// single-Region keys and multi-Region primaries (a replica rotates with its primary).</summary>
    Task<IReadOnlyList<KeyRecord>> ListKeysDueForRotationAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Keys holding imported material that expires at or before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<KeyRecord>> ListKeysWithExpiredMaterialAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>How many keys the store holds, over all accounts (a metric).</summary>
    Task<long> CountKeysAsync(CancellationToken cancellationToken);

    /// <summary>Completes when the store answers a trivial query and can take writes (readiness); else throws.</summary>
    /// <summary>Whether any key (in any state, until it is deleted) lives in the custom key store.</summary>
    Task<bool> AnyKeyInCustomKeyStoreAsync(string customKeyStoreId, CancellationToken cancellationToken);

    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a key with its aliases and grants if its row version is unchanged, and its material
    /// once no key of its multi-Region set remains (deleting one replica never touches the others).</summary>
    Task<bool> TryDeleteKeyAsync(KeyRecord key, CancellationToken cancellationToken);

    /// <summary>Keys in a transient state (Creating, Updating), to be settled (after a crash, the job that would
    /// have settled them is gone).</summary>
    Task<IReadOnlyList<KeyRecord>> ListKeysInTransitionAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Every key of the multi-Region set with that key ID in that account, ordered by Region (empty for
    /// a single-Region key).</summary>
    Task<IReadOnlyList<KeyRecord>> ListMultiRegionKeysAsync(string accountId, string keyId, CancellationToken cancellationToken);

    /// <summary>Sealed material versions in (key ID, version) order, a page after the given one, each with the key
    /// it belongs to (a multi-Region set's material comes once per replica, Regions in order); re-sealing walks them.</summary>
    Task<IReadOnlyList<SealedMaterialRow>> ListSealedMaterialsAsync(string? afterKeyId, uint afterVersion, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces a version's sealed material only while it is still <paramref name="expected"/>; false when it changed or is gone.</summary>
    Task<bool> TryReplaceSealedMaterialAsync(string keyId, uint version, byte[] expected, byte[] replacement, CancellationToken cancellationToken);
}

/// <summary>One sealed material version and what its sealing is bound to.</summary>
public sealed record SealedMaterialRow(
    string KeyId, uint Version, string KeyMaterialId, byte[] SealedMaterial, string Partition, string AccountId, string Region, bool MultiRegion);
