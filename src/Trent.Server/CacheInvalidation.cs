using Microsoft.Extensions.Hosting;
using Trent.Domain.Identity;
using Trent.Domain.Keys;
using Trent.Domain.Storage;
using Trent.Protocol.SigV4;
using Trent.Storage.Postgres;

namespace Trent.Server;

/// <summary>
/// On a shared database: evicts from this node's caches what any node's committed writes changed (key rows, which
/// covers each Region's row of a multi-Region set, and policies, which live on them; aliases; access keys; IAM users,
/// roles and their policies), and clears them all whenever announcements may have been missed. Grants are not
/// cached (read per request), and compiled policies and unsealed material are keyed by what cannot go stale (the
/// policy's text, the key's materials revision). Listening starts before the node serves.
/// </summary>
internal sealed class CacheInvalidation(
    PostgresChangeListener listener, KeyCache keys, CallerIdentityLoader identities, SigV4Verifier accessKeys) : IHostedService
{
    /// <summary>How long a start waits for the first LISTEN; after it the node serves anyway (its caches then bounded by
    /// their time to live, as while any connection is lost) and the listener keeps trying.</summary>
    private static readonly TimeSpan FirstListenWait = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        listener.Changed += Evict;
        listener.Reset += Clear;
        try
        {
            await listener.StartAsync(cancellationToken).WaitAsync(FirstListenWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Served meanwhile within the caches' time to live; every cache is cleared once listening starts.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        listener.Changed -= Evict;
        listener.Reset -= Clear;
        return Task.CompletedTask;
    }

    private void Evict(StoreChange change)
    {
        switch (change.Entity)
        {
            case ChangedEntity.Key:
                keys.RemoveKey(change.AccountId, change.Region, change.Id);
                break;
            case ChangedEntity.Alias:
                keys.RemoveAlias(change.AccountId, change.Region, change.Id);
                break;
            case ChangedEntity.AccessKey:
                accessKeys.Forget(change.Id);
                break;
            case ChangedEntity.Identity when Enum.TryParse<IdentityKind>(change.Region, out var kind):
                identities.Invalidate(change.AccountId, kind, change.Id);
                break;
            default:
                Clear();
                break;
        }
    }

    private void Clear()
    {
        keys.Clear();
        identities.Clear();
        accessKeys.Clear();
    }
}
