using Microsoft.Extensions.Caching.Memory;
using Trent.Domain.Auth;
using Trent.Domain.Policies;
using Trent.Domain.Policies.Language;
using Trent.Domain.Storage;

namespace Trent.Domain.Identity;

/// <summary>
/// Loads a caller's identity policies and tags once authentication has named the caller, from a short-lived,
/// bounded cache. Changes made through this node invalidate at once; on a shared database other nodes' changes
/// evict it as they commit, and are seen within <see cref="TimeToLive"/> at worst, when an announcement is missed
/// (IAM itself is eventually consistent). The account root needs no lookup. A caller whose
/// user or role no longer exists with the unique ID of its credentials gets <see cref="CallerIdentity.Missing"/>.
/// </summary>
public sealed class CallerIdentityLoader(IIdentityStore store, PolicyCache policies) : IDisposable
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private long _evictions;

    public async ValueTask<CallerIdentity?> LoadAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (principal.Type == PrincipalType.Root)
        {
            return null;
        }

        // The credentials name the user or role by name and unique ID: a user or role re-created under the same
        // name has a new ID, so it is not the identity these credentials were issued for.
        var (kind, name, uniqueId) = principal.Type == PrincipalType.AssumedRole
            ? (IdentityKind.Role, principal.RoleName!, principal.RoleId!)
            : (IdentityKind.User, principal.UserName!, principal.PrincipalId);
        var cacheKey = CacheKey(principal.AccountId, kind, name);
        if (!_cache.TryGetValue(cacheKey, out CallerIdentity? identity))
        {
            var stamp = Interlocked.Read(ref _evictions);
            identity = await ReadAsync(principal.AccountId, kind, name, cancellationToken).ConfigureAwait(false);
            // A change committed during the read must not be undone by caching what was read before it.
            if (Interlocked.Read(ref _evictions) == stamp)
            {
                _cache.Set(cacheKey, identity, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeToLive });
            }
        }

        return string.Equals(identity!.UniqueId, uniqueId, StringComparison.Ordinal) ? identity : CallerIdentity.Missing;
    }

    private async Task<CallerIdentity> ReadAsync(string accountId, IdentityKind kind, string name, CancellationToken cancellationToken)
    {
        var (tags, id) = kind == IdentityKind.Role
            ? await store.GetRoleAsync(accountId, name, cancellationToken).ConfigureAwait(false) is { } role ? (role.Tags, role.RoleId) : (null, null)
            : await store.GetUserAsync(accountId, name, cancellationToken).ConfigureAwait(false) is { } user ? (user.Tags, user.UserId) : (null, null);
        if (tags is null)
        {
            return CallerIdentity.Missing;
        }

        var inline = await store.ListPoliciesAsync(accountId, kind, name, cancellationToken).ConfigureAwait(false);
        return new CallerIdentity([.. inline.Select(p => policies.Get(p.Document, PolicyKind.Identity))], tags, Exists: true, id);
    }

    public void Invalidate(string accountId, IdentityKind kind, string name)
    {
        Interlocked.Increment(ref _evictions);
        _cache.Remove(CacheKey(accountId, kind, name));
    }

    /// <summary>Forgets every identity (changes may have been missed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _evictions);
        _cache.Clear();
    }

    public void Dispose() => _cache.Dispose();

    private static string CacheKey(string accountId, IdentityKind kind, string name) =>
        $"{accountId}/{kind}/{name.ToUpperInvariant()}";
}
