using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Storage;

namespace Trent.Domain.Keys;

/// <summary>
/// Read–check–write on one key with optimistic concurrency: the change is re-run on a fresh copy when
/// another writer (on this node or another) got there first, so no state is ever half-applied.
/// </summary>
public sealed class KeyUpdater(KeyResolver resolver, IKeyStore store, IAuthorizer authorizer)
{
    private const int MaxAttempts = 16;

    /// <param name="change">Checks the key and returns its new form, or null when nothing needs to change.
    /// It may run more than once, so it must not have side effects.</param>
    public async ValueTask<KeyRecord> UpdateAsync(
        RequestContext context,
        string keyIdentifier,
        string action,
        Func<KeyRecord, KeyRecord?> change,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var key = await resolver.ResolveAsync(context, keyIdentifier, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
            authorizer.Authorize(context, action, key);
            var updated = change(key);
            if (updated is null)
            {
                return key;
            }

            updated = updated with { RowVersion = key.RowVersion + 1 };
            if (await store.TryUpdateKeyAsync(updated, key.RowVersion, cancellationToken).ConfigureAwait(false))
            {
                return updated;
            }
        }

        throw new KmsException(KmsErrorCode.KMSInternal, "The key is being changed by other requests; retry the request.");
    }
}
