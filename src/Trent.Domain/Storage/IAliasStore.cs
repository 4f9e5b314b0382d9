using Trent.Domain.Aliases;

namespace Trent.Domain.Storage;

/// <summary>Durable storage of aliases. Alias names are unique per account and Region.</summary>
public interface IAliasStore
{
    /// <summary>Adds the alias; false when the name is taken.</summary>
    Task<bool> TryCreateAliasAsync(AliasRecord alias, CancellationToken cancellationToken);

    Task<AliasRecord?> GetAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken);

    Task<bool> TryUpdateAliasAsync(
        string accountId, string region, string aliasName, string targetKeyId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<bool> DeleteAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken);

    /// <summary>Aliases ordered by name after <paramref name="afterAliasName"/>, optionally of one key only.</summary>
    Task<IReadOnlyList<AliasRecord>> ListAliasesAsync(
        string accountId, string region, string? targetKeyId, string? afterAliasName, int limit, CancellationToken cancellationToken);

    Task<int> CountAliasesAsync(string accountId, string region, string targetKeyId, CancellationToken cancellationToken);
}
