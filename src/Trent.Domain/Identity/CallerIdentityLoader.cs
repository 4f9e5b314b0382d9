using Microsoft.Extensions.Caching.Memory;
using Trent.Domain.Auth;
using Trent.Domain.Policies;
using Trent.Domain.Policies.Language;
using Trent.Domain.Storage;

namespace Trent.Domain.Identity;

/// <summary>
/// Loads a caller's identity policies and tags once authentication has named the caller, from a short-lived,
/// bounded cache. Changes made through this node invalidate at once; other nodes' changes are seen within
/// <see cref="TimeToLive"/> (IAM itself is eventually consistent). The account root needs no lookup.
/// </summary>
public sealed class CallerIdentityLoader(IIdentityStore store, PolicyCache policies) : IDisposable
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public async ValueTask<CallerIdentity?> LoadAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (principal.Type == PrincipalType.Root)
        {
            return null;
        }

        var (kind, name) = principal.Type == PrincipalType.AssumedRole
            ? (IdentityKind.Role, principal.RoleName!)
            : (IdentityKind.User, principal.UserName!);
        var cacheKey = CacheKey(principal.AccountId, kind, name);
        if (_cache.TryGetValue(cacheKey, out CallerIdentity? cached))
        {
            return cached;
        }

        IReadOnlyDictionary<string, string>? tags = kind == IdentityKind.Role
            ? (await store.GetRoleAsync(principal.AccountId, name, cancellationToken).ConfigureAwait(false))?.Tags
            : (await store.GetUserAsync(principal.AccountId, name, cancellationToken).ConfigureAwait(false))?.Tags;
        CallerIdentity identity;
        if (tags is null)
        {
            identity = CallerIdentity.Missing;
        }
        else
        {
            var inline = await store.ListPoliciesAsync(principal.AccountId, kind, name, cancellationToken).ConfigureAwait(false);
            identity = new CallerIdentity([.. inline.Select(p => policies.Get(p.Document, PolicyKind.Identity))], tags, Exists: true);
        }

        _cache.Set(cacheKey, identity, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeToLive });
        return identity;
    }

    public void Invalidate(string accountId, IdentityKind kind, string name) => _cache.Remove(CacheKey(accountId, kind, name));

    public void Dispose() => _cache.Dispose();

    private static string CacheKey(string accountId, IdentityKind kind, string name) =>
        $"{accountId}/{kind}/{name.ToUpperInvariant()}";
}
