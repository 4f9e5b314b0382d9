using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.Policies;

/// <summary>GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. Every key has exactly one policy, "default".</summary>
public sealed class KeyPolicyService(KeyResolver resolver, KeyUpdater updater, IAuthorizer authorizer, PolicyAuthorizer lockout)
{
    public async Task<string> GetKeyPolicyAsync(RequestContext context, string keyId, string? policyName, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:GetKeyPolicy", key, cancellationToken).ConfigureAwait(false);
        RequireDefaultName(policyName);
        return key.Policy;
    }

    public Task PutKeyPolicyAsync(
        RequestContext context, string keyId, string? policyName, string policy, bool bypassLockoutCheck, CancellationToken cancellationToken)
    {
        RequireDefaultName(policyName);
        KeyPolicyDocument.Validate(policy);
        context.Conditions.BypassPolicyLockoutSafetyCheck = bypassLockoutCheck;
        return updater.UpdateWithMaterialsAsync(context, keyId, "kms:PutKeyPolicy", async (key, _) =>
        {
            // The lockout safety check: the new policy must still let the caller change the policy.
            if (!bypassLockoutCheck && !await lockout.AllowsPolicyChangeAsync(context, key, policy, cancellationToken).ConfigureAwait(false))
            {
                throw KeyPolicyDocument.LockoutError();
            }

            return new KeyChange(key with { Policy = policy }, []);
        }, loadMaterials: false, cancellationToken).AsTask();
    }

    public async Task<IReadOnlyList<string>> ListKeyPoliciesAsync(RequestContext context, string keyId, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:ListKeyPolicies", key, cancellationToken).ConfigureAwait(false);
        return [KeyPolicyDocument.DefaultPolicyName];
    }

    private static void RequireDefaultName(string? policyName)
    {
        if (policyName is not null && policyName != KeyPolicyDocument.DefaultPolicyName)
        {
            throw new KmsException(KmsErrorCode.NotFound, $"No such policy exists: {policyName}");
        }
    }
}
