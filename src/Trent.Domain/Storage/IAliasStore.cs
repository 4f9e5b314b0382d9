using Trent.Domain.Aliases;

namespace Trent.Domain.Storage;

/// <summary>Durable storage of aliases. Alias names are unique per account and Region.</summary>
public interface IAliasStore
{
    /// <summary>
    /// Adds the alias unless its target key already has <paramref name="maxAliasesPerKey"/> aliases in the alias's
    /// account and Region (<see cref="AliasCreation.LimitExceeded"/>, checked first) or the name is taken
    /// (<see cref="AliasCreation.NameTaken"/>). The count and the insert are one atomic step against concurrent
    /// writers, on this node or others: however many race, a key never ends up with more than the limit.
    /// </summary>
    Task<AliasCreation> TryCreateAliasAsync(AliasRecord alias, int maxAliasesPerKey, CancellationToken cancellationToken);

    Task<AliasRecord?> GetAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken);

    Task<bool> TryUpdateAliasAsync(
        string accountId, string region, string aliasName, string targetKeyId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<bool> DeleteAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken);

    /// <summary>Aliases ordered by name after <paramref name="afterAliasName"/>, optionally of one key only.</summary>
    Task<IReadOnlyList<AliasRecord>> ListAliasesAsync(
        string accountId, string region, string? targetKeyId, string? afterAliasName, int limit, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IAliasStore.TryCreateAliasAsync"/> did.</summary>
public enum AliasCreation
{
    Created,
    NameTaken,
    LimitExceeded,
}
