using Trent.Domain.Audit;
using Trent.Domain.Materials;
using Trent.Domain.Storage;

namespace Trent.Domain.Keys;

/// <summary>
/// Deletes keys whose deletion window has passed. Safe to run on every node at once: each deletion is
/// conditional on the key's row version, so a key is deleted exactly once and never after a cancel. Each
/// deletion is audited as CloudTrail's DeleteKey service event, its intent journaled before the delete.
/// </summary>
public sealed class KeyDeletionService(
    IKeyStore store, KeyMaterialVault vault, KeyCache cache, KeyUpdater updater, TimeProvider clock, AuditScopeFactory audits,
    CustomKeyStores.CustomKeyStoreService customKeyStores)
{
    private const int BatchSize = 100;

    public async Task<int> DeleteDueKeysAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (true)
        {
            var due = await store.ListKeysDueForDeletionAsync(clock.GetUtcNow(), BatchSize, cancellationToken).ConfigureAwait(false);
            var deletedInBatch = 0;
            foreach (var key in due)
            {
                var audit = audits.CreateServiceEvent("DeleteKey", key);
                await audit.BeginStateChangeAsync(cancellationToken).ConfigureAwait(false);
                if (await store.TryDeleteKeyAsync(key, cancellationToken).ConfigureAwait(false))
                {
                    vault.Forget(key);
                    cache.RemoveKey(key);
                    await customKeyStores.DestroyKeyMaterialAsync(key, cancellationToken).ConfigureAwait(false);
                    deletedInBatch++;
                    await audit.RecordAsync(null, null).ConfigureAwait(false);
                    if (key.IsReplica)
                    {
                        await StartPrimaryWindowAsync(key, cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    audit.Abandon();
                }
            }

            deleted += deletedInBatch;
            if (due.Count < BatchSize || deletedInBatch == 0)
            {
                return deleted;
            }
        }
    }

    /// <summary>Once the last replica of a primary in PendingReplicaDeletion is gone, the primary's own waiting
    /// period starts (PendingDeletion, deleted after its PendingWindowInDays).</summary>
    private async Task StartPrimaryWindowAsync(KeyRecord replica, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var set = await store.ListMultiRegionKeysAsync(replica.AccountId, replica.KeyId, cancellationToken).ConfigureAwait(false);
            if (set.FirstOrDefault(k => !k.IsReplica) is not { State: KeyState.PendingReplicaDeletion } primary || set.Count > 1)
            {
                return;
            }

            var now = clock.GetUtcNow();
            var result = await updater.TryApplyAsync(
                primary,
                (k, _) => Task.FromResult<KeyChange?>(new KeyChange(
                    k with { State = KeyState.PendingDeletion, DeletionDate = now.AddDays(k.PendingWindowInDays ?? KeyLifecycleService.MaxPendingWindowInDays) },
                    [])),
                loadMaterials: false,
                cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return;
            }
        }
    }
}
