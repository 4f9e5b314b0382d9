using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Regions;
using Trent.Domain.Storage;

namespace Trent.Domain.Keys;

/// <summary>
/// Read–check–write on one key with optimistic concurrency: the change is re-run on a fresh copy when
/// another writer (on this node or another) got there first, so no state is ever half-applied.
/// </summary>
public sealed class KeyUpdater(KeyResolver resolver, IKeyStore store, IAuthorizer authorizer, KeyCache cache, ServedRegions regions)
{
    private const int MaxAttempts = 16;

    /// <param name="change">Checks the key and returns its new form, or null when nothing needs to change.
    /// It may run more than once, so it must not have side effects.</param>
    public async ValueTask<KeyRecord> UpdateAsync(
        RequestContext context,
        string keyIdentifier,
        string action,
        Func<KeyRecord, KeyRecord?> change,
        CancellationToken cancellationToken) =>
        (await UpdateWithMaterialsAsync(
            context,
            keyIdentifier,
            action,
            (key, _) => Task.FromResult<KeyChange?>(change(key) is { } updated ? new KeyChange(updated, []) : null),
            loadMaterials: false,
            cancellationToken).ConfigureAwait(false)).Key;

    /// <summary>Like <see cref="UpdateAsync"/>, for changes that also add or replace material versions.
    /// With <paramref name="loadMaterials"/>, the change sees the key's current material versions.</summary>
    public async ValueTask<KeyChange> UpdateWithMaterialsAsync(
        RequestContext context,
        string keyIdentifier,
        string action,
        Func<KeyRecord, IReadOnlyList<KeyMaterialRecord>, Task<KeyChange?>> change,
        bool loadMaterials,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var key = await resolver.ResolveAsync(context, keyIdentifier, KeyIdForms.KeyOnly, cancellationToken, fresh: true).ConfigureAwait(false);
            await authorizer.AuthorizeAsync(context, action, key, cancellationToken).ConfigureAwait(false);
            if (await TryApplyAsync(key, change, loadMaterials, cancellationToken).ConfigureAwait(false) is { } applied)
            {
                return applied;
            }
        }

        throw Conflict();
    }

    /// <summary>One optimistic attempt on a key already loaded (background jobs); null if another writer won.</summary>
    public async ValueTask<KeyChange?> TryApplyAsync(
        KeyRecord key,
        Func<KeyRecord, IReadOnlyList<KeyMaterialRecord>, Task<KeyChange?>> change,
        bool loadMaterials,
        CancellationToken cancellationToken)
    {
        var materials = loadMaterials
            ? await store.ListMaterialsAsync(key.KeyId, cancellationToken).ConfigureAwait(false)
            : [];
        var result = await change(key, materials).ConfigureAwait(false);
        if (result is null)
        {
            return new KeyChange(key, []);
        }

        var updated = result.Key with
        {
            RowVersion = key.RowVersion + 1,
            MaterialsRevision = result.Materials.Count > 0 ? key.MaterialsRevision + 1 : result.Key.MaterialsRevision,
        };
        if (!await store.TryUpdateKeyAsync(updated, key.RowVersion, result.Materials, cancellationToken).ConfigureAwait(false))
        {
            cache.RemoveKey(key);
            return null;
        }

        if (updated.MultiRegion)
        {
            // The store carried shared properties (a rotation, a new primary, deleted imported material) to the
            // set's other keys: their cached rows are stale now, not in a second.
            cache.RemoveSet(updated.AccountId, updated.KeyId, regions.All);
        }

        cache.SetKey(updated);
        return result with { Key = updated };
    }

    private static KmsException Conflict() =>
        new(KmsErrorCode.KMSInternal, "The key is being changed by other requests; retry the request.");
}

/// <summary>A key's new form and the material versions written with it.</summary>
public sealed record KeyChange(KeyRecord Key, IReadOnlyList<KeyMaterialRecord> Materials);
