using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Identity;
using Trent.Domain.Keys;
using Trent.Domain.Materials;
using Trent.Domain.Storage;

namespace Trent.Domain.Development;

/// <summary>
/// The development profile's state reset (<c>POST /_trent/reset</c>): every key, alias, grant and identity goes,
/// except the well-known administrator and its account, so that each test starts from an empty server. Only that
/// administrator may ask. The audit trail stays: it is append-only, and the reset itself is recorded in it.
/// </summary>
public sealed class DevelopmentReset(
    IStateReset store, ServiceSettings settings, string administratorAccessKeyId, KeyCache keys, KeyMaterialVault materials,
    CallerIdentityLoader identities, AccessKeyService accessKeys)
{
    public const string EventName = "ResetDevelopmentState";

    public async Task<StateResetCounts> ResetAsync(RequestContext context, AuditScope audit, CancellationToken cancellationToken)
    {
        var caller = context.Caller;
        if (caller.Type != PrincipalType.Root || caller.AccountId != settings.DefaultAccountId
            || !string.Equals(caller.AccessKeyId, administratorAccessKeyId, StringComparison.Ordinal))
        {
            throw KmsErrors.AccessDenied(
                caller.Arn, $"trent:{EventName}", $"arn:{settings.Partition}:iam::{settings.DefaultAccountId}:root",
                $"only the development profile's administrator (access key {administratorAccessKeyId}) may reset its state.");
        }

        await audit.BeginStateChangeAsync(cancellationToken).ConfigureAwait(false);
        var removed = await store.ResetAsync(settings.DefaultAccountId, administratorAccessKeyId, cancellationToken).ConfigureAwait(false);
        // This node's caches would otherwise serve removed keys, aliases, identities and access keys a little longer.
        keys.Clear();
        materials.Clear();
        identities.Clear();
        accessKeys.OnAllDeleted();
        return removed;
    }
}
