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
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        listener.Changed += Evict;
        listener.Reset += Clear;
        await listener.StartAsync(cancellationToken).ConfigureAwait(false);
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
