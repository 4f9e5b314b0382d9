using Trent.Domain.Grants;

namespace Trent.Domain.Storage;

/// <summary>Durable storage of grants.</summary>
public interface IGrantStore
{
    /// <summary>Stores the grant unless its key (account, Region, key ID) already has <paramref name="maxGrantsPerKey"/>
    /// grants (then false). The count and the insert are one atomic step against concurrent writers, on this node or
    /// others: however many race, a key never ends up with more than the limit. A grant ID already stored throws.</summary>
    Task<bool> TryCreateGrantAsync(GrantRecord grant, int maxGrantsPerKey, CancellationToken cancellationToken);

    Task<GrantRecord?> GetGrantAsync(string grantId, CancellationToken cancellationToken);

    Task<GrantRecord?> FindByNameAsync(string keyAccountId, string keyRegion, string keyId, string name, CancellationToken cancellationToken);

    /// <summary>The key's grants ordered by grant ID after <paramref name="afterGrantId"/>.</summary>
    Task<IReadOnlyList<GrantRecord>> ListGrantsAsync(
        string keyAccountId, string keyRegion, string keyId, string? afterGrantId, int limit, CancellationToken cancellationToken);

    /// <summary>The key's grants whose grantee is one of <paramref name="grantees"/> (for authorization).</summary>
    Task<IReadOnlyList<GrantRecord>> ListGrantsForGranteesAsync(
        string keyAccountId, string keyRegion, string keyId, IReadOnlyList<string> grantees, CancellationToken cancellationToken);

    /// <summary>Grants of any key that <paramref name="retiringPrincipal"/> may retire, ordered by grant ID.</summary>
    Task<IReadOnlyList<GrantRecord>> ListRetirableGrantsAsync(string retiringPrincipal, string? afterGrantId, int limit, CancellationToken cancellationToken);

    Task<bool> DeleteGrantAsync(string grantId, CancellationToken cancellationToken);
}
