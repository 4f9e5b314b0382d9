using Trent.Domain.Errors;
using Trent.Domain.Grants;
using Trent.Domain.Keys;
using Trent.Domain.Policies;
using Trent.Domain.Policies.Language;
using Trent.Domain.Storage;

namespace Trent.Domain.Auth;

/// <summary>
/// AWS's evaluation for KMS: a request on a key is allowed when the key policy allows the caller directly,
/// or names the caller's account (delegating to IAM) and an identity policy allows; or when a grant allows
/// it. Across accounts both the key policy and the caller's identity policy must allow. An explicit Deny in
/// any policy wins. Account-level actions (CreateKey, ListKeys...) and IAM actions are decided by identity
/// policies; the account root may do anything in its own account that no policy denies.
/// </summary>
public sealed class PolicyAuthorizer(PolicyCache policies, GrantEvaluator grants, IAliasStore aliases, TimeProvider clock) : IAuthorizer
{
    public ValueTask AuthorizeAsync(RequestContext context, string action, KeyRecord? key, CancellationToken cancellationToken)
    {
        GrantEvaluator.ValidateTokens(context);
        if (key is null)
        {
            AuthorizeIdentityOnly(context, action, "*");
            return default;
        }

        var document = policies.Get(key.Policy, PolicyKind.Resource);
        return ReferencesResourceAliases(document, context)
            ? AuthorizeWithAliasesAsync(context, action, key, document, cancellationToken)
            : Decide(context, action, key, document, resourceAliases: null, cancellationToken);
    }

    private async ValueTask AuthorizeWithAliasesAsync(
        RequestContext context, string action, KeyRecord key, PolicyDocument document, CancellationToken cancellationToken) =>
        await Decide(context, action, key, document, await AliasesOfAsync(key, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

    /// <summary>The policies' decision; a grant is looked up (the one await) only when they do not allow.</summary>
    private ValueTask Decide(
        RequestContext context, string action, KeyRecord key, PolicyDocument document, IReadOnlyList<string>? resourceAliases, CancellationToken cancellationToken)
    {
        var caller = context.Caller;
        var values = new RequestConditionValues(context, key, clock.GetUtcNow(), resourceAliases);
        // Formatting the key ARN is the costliest part of deciding the default policy for the root: skip it when no policy looks.
        var resource = document.AppliesToAnyResource && context.Identity is not { Policies.Count: > 0 } ? "*" : key.Arn;
        var decision = document.EvaluateResource(caller.PolicyCaller, action, resource, values);
        if (decision.Denied)
        {
            throw ExplicitDeny(caller, action, key.Arn, "a resource-based policy");
        }

        var identity = EvaluateIdentity(context, action, resource, values);
        if (identity == Effect.Deny)
        {
            throw ExplicitDeny(caller, action, key.Arn, "an identity-based policy");
        }

        var sameAccount = string.Equals(caller.AccountId, key.AccountId, StringComparison.Ordinal);
        var identityAllows = caller.Type == PrincipalType.Root || identity == Effect.Allow;
        var allowed = decision.Allow switch
        {
            PrincipalMatch.Direct => sameAccount || identityAllows,
            PrincipalMatch.Account => identityAllows,
            _ => false,
        };
        if (allowed)
        {
            Allowed(context, key, sameAccount);
            return default;
        }

        return AuthorizeByGrantAsync(context, action, key, sameAccount, decision.Allow, cancellationToken);
    }

    private async ValueTask AuthorizeByGrantAsync(
        RequestContext context, string action, KeyRecord key, bool sameAccount, PrincipalMatch policyMatch, CancellationToken cancellationToken)
    {
        if (await grants.AllowsAsync(context, action, key, cancellationToken).ConfigureAwait(false))
        {
            Allowed(context, key, sameAccount);
            return;
        }

        throw KmsErrors.AccessDenied(
            context.Caller.Arn,
            action,
            key.Arn,
            policyMatch == PrincipalMatch.None ? $"no resource-based policy allows the {action} action" : $"no identity-based policy allows the {action} action");
    }

    private static void Allowed(RequestContext context, KeyRecord key, bool sameAccount)
    {
        if (!sameAccount)
        {
            context.AddAuthorizedKeyOwner(key.AccountId);
        }
    }

    /// <summary>An action decided by the caller's identity policies alone (IAM actions, account-level KMS actions).</summary>
    public void AuthorizeIdentityOnly(RequestContext context, string action, string resource)
    {
        var values = new RequestConditionValues(context, key: null, clock.GetUtcNow());
        var identity = EvaluateIdentity(context, action, resource, values);
        if (identity == Effect.Deny)
        {
            throw ExplicitDeny(context.Caller, action, resource, "an identity-based policy");
        }

        if (context.Caller.Type != PrincipalType.Root && identity != Effect.Allow)
        {
            throw KmsErrors.AccessDenied(context.Caller.Arn, action, resource, $"no identity-based policy allows the {action} action");
        }
    }

    /// <summary>
    /// An action on a resource with its own policy in <paramref name="resourceAccountId"/> (a role's trust policy
    /// for sts:AssumeRole): the same rules as a key, without grants.
    /// </summary>
    public void AuthorizeWithResourcePolicy(
        RequestContext context, string action, string resource, string resourceAccountId, PolicyDocument resourcePolicy)
    {
        var caller = context.Caller;
        var values = new RequestConditionValues(context, key: null, clock.GetUtcNow());
        var decision = resourcePolicy.EvaluateResource(caller.PolicyCaller, action, resource, values);
        if (decision.Denied)
        {
            throw ExplicitDeny(caller, action, resource, "a resource-based policy");
        }

        var identity = EvaluateIdentity(context, action, resource, values);
        if (identity == Effect.Deny)
        {
            throw ExplicitDeny(caller, action, resource, "an identity-based policy");
        }

        var identityAllows = caller.Type == PrincipalType.Root || identity == Effect.Allow;
        var sameAccount = string.Equals(caller.AccountId, resourceAccountId, StringComparison.Ordinal);
        var allowed = decision.Allow switch
        {
            PrincipalMatch.Direct => sameAccount || identityAllows,
            PrincipalMatch.Account => identityAllows,
            _ => false,
        };
        if (!allowed)
        {
            throw KmsErrors.AccessDenied(
                caller.Arn,
                action,
                resource,
                decision.Allow == PrincipalMatch.None ? $"no resource-based policy allows the {action} action" : $"no identity-based policy allows the {action} action");
        }
    }

    /// <summary>The lockout safety check: would <paramref name="policy"/> still let the caller change the key's policy?</summary>
    public async ValueTask<bool> AllowsPolicyChangeAsync(RequestContext context, KeyRecord key, string policy, CancellationToken cancellationToken)
    {
        var document = PolicyParser.Parse(policy, PolicyKind.Resource);
        var aliases = ReferencesResourceAliases(document, context) ? await AliasesOfAsync(key, cancellationToken).ConfigureAwait(false) : null;
        var values = new RequestConditionValues(context, key, clock.GetUtcNow(), aliases);
        var decision = document.EvaluateResource(context.Caller.PolicyCaller, "kms:PutKeyPolicy", key.Arn, values);
        if (decision.Denied)
        {
            return false;
        }

        var identity = EvaluateIdentity(context, "kms:PutKeyPolicy", key.Arn, values);
        var identityAllows = context.Caller.Type == PrincipalType.Root || identity == Effect.Allow;
        return identity != Effect.Deny && decision.Allow switch
        {
            PrincipalMatch.Direct => true,
            PrincipalMatch.Account => identityAllows,
            _ => false,
        };
    }

    private static Effect EvaluateIdentity(RequestContext context, string action, string resource, IConditionValues values)
    {
        if (context.Identity is not { } identity)
        {
            return Effect.None;
        }

        var result = Effect.None;
        foreach (var policy in identity.Policies)
        {
            switch (policy.EvaluateIdentity(action, resource, values))
            {
                case Effect.Deny:
                    return Effect.Deny;
                case Effect.Allow:
                    result = Effect.Allow;
                    break;
            }
        }

        return result;
    }

    /// <summary>Whether any policy that decides this request reads kms:ResourceAliases (only then are they loaded).</summary>
    private static bool ReferencesResourceAliases(PolicyDocument document, RequestContext context)
    {
        if (document.ReferencesResourceAliases)
        {
            return true;
        }

        if (context.Identity is { } identity)
        {
            for (var i = 0; i < identity.Policies.Count; i++)
            {
                if (identity.Policies[i].ReferencesResourceAliases)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>kms:ResourceAliases: the key's aliases (AWS evaluates at most 50).</summary>
    private async ValueTask<IReadOnlyList<string>> AliasesOfAsync(KeyRecord key, CancellationToken cancellationToken) =>
        [.. (await aliases.ListAliasesAsync(key.AccountId, key.Region, key.KeyId, afterAliasName: null, limit: 51, cancellationToken).ConfigureAwait(false))
            .Select(a => a.AliasName)];

    private static KmsException ExplicitDeny(Principal caller, string action, string resource, string where) =>
        new(KmsErrorCode.AccessDenied, $"User: {caller.Arn} is not authorized to perform: {action} on resource: {resource} with an explicit deny in {where}");
}
