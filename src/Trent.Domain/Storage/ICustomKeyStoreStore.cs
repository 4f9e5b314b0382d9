using Trent.Domain.CustomKeyStores;

namespace Trent.Domain.Storage;

/// <summary>
/// Durable storage of custom key stores. A name is unique per account and Region; a cluster backs at most one
/// store in the whole service (a token's key objects cannot be told apart by account). Each write is atomic
/// against concurrent writers, on this node or others.
/// </summary>
public interface ICustomKeyStoreStore
{
    /// <summary>Adds the store (with <see cref="CustomKeyStoreRecord.RowVersion"/> as given) unless its name is taken
    /// in its account and Region (<see cref="CustomKeyStoreWrite.NameTaken"/>, checked first) or its cluster backs
    /// another store (<see cref="CustomKeyStoreWrite.ClusterInUse"/>).</summary>
    Task<CustomKeyStoreWrite> TryCreateAsync(CustomKeyStoreRecord store, CancellationToken cancellationToken);

    Task<CustomKeyStoreRecord?> GetAsync(string accountId, string region, string customKeyStoreId, CancellationToken cancellationToken);

    Task<CustomKeyStoreRecord?> GetByNameAsync(string accountId, string region, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the store's name, cluster, sealed password and connection state with <paramref name="store"/>'s,
    /// only if its row version is still <paramref name="expectedRowVersion"/> (else <see cref="CustomKeyStoreWrite.Changed"/>,
    /// also when it is gone); the stored row version becomes <c>store.RowVersion</c>. The new name and cluster must
    /// be free as on create.
    /// </summary>
    Task<CustomKeyStoreWrite> TryUpdateAsync(CustomKeyStoreRecord store, long expectedRowVersion, CancellationToken cancellationToken);

    /// <summary>Removes the store if its row version is still <paramref name="expectedRowVersion"/>.</summary>
    Task<bool> TryDeleteAsync(string accountId, string region, string customKeyStoreId, long expectedRowVersion, CancellationToken cancellationToken);

    /// <summary>Stores of one account and Region ordered by ID (code point order) after <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<CustomKeyStoreRecord>> ListAsync(
        string accountId, string region, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Every store whose state is <paramref name="connectionState"/>, in any account and Region (for readiness and re-connection at start).</summary>
    Task<IReadOnlyList<CustomKeyStoreRecord>> ListInStateAsync(string connectionState, CancellationToken cancellationToken);
}

/// <summary>What a write of <see cref="ICustomKeyStoreStore"/> did.</summary>
public enum CustomKeyStoreWrite
{
    Done,
    NameTaken,
    ClusterInUse,
    Changed,
}
