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
        authorizer.Authorize(context, "kms:GetKeyPolicy", key);
        RequireDefaultName(policyName);
        return key.Policy;
    }

    public Task PutKeyPolicyAsync(
        RequestContext context, string keyId, string? policyName, string policy, bool bypassLockoutCheck, CancellationToken cancellationToken)
    {
        RequireDefaultName(policyName);
        KeyPolicyDocument.Validate(policy);
        context.Conditions.BypassPolicyLockoutSafetyCheck = bypassLockoutCheck;
        return updater.UpdateAsync(context, keyId, "kms:PutKeyPolicy", key =>
        {
            // The lockout safety check: the new policy must still let the caller change the policy.
            if (!bypassLockoutCheck && !lockout.AllowsPolicyChange(context, key, policy))
            {
                throw KeyPolicyDocument.LockoutError();
            }

            return key with { Policy = policy };
        }, cancellationToken).AsTask();
    }

    public async Task<IReadOnlyList<string>> ListKeyPoliciesAsync(RequestContext context, string keyId, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        authorizer.Authorize(context, "kms:ListKeyPolicies", key);
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
