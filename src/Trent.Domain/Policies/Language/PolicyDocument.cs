namespace Trent.Domain.Policies.Language;

/// <summary>A parsed, compiled policy (key policy, identity policy or role trust policy).</summary>
public sealed class PolicyDocument(PolicyStatement[] statements, bool referencesResourceAliases)
{
    public IReadOnlyList<PolicyStatement> Statements => statements;

    /// <summary>True when every statement applies to any resource (<c>"Resource": "*"</c>), as in the default key
    /// policy: then the resource's ARN need not even be formatted.</summary>
    public bool AppliesToAnyResource { get; } = statements.All(s => s.AppliesToAnyResource);

    /// <summary>True when some condition reads <c>kms:ResourceAliases</c>, which costs a lookup of the key's aliases.</summary>
    public bool ReferencesResourceAliases { get; } = referencesResourceAliases;

    /// <summary>A resource-based policy (key policy, trust policy): whether it denies, and how it allows the caller.</summary>
    public ResourceDecision EvaluateResource(PolicyCaller caller, string action, string resource, IConditionValues values)
    {
        var allow = PrincipalMatch.None;
        foreach (var statement in statements)
        {
            if (!statement.MatchesAction(action) || !statement.MatchesResource(resource))
            {
                continue;
            }

            var match = statement.MatchPrincipal(caller);
            if (match == PrincipalMatch.None || (!statement.IsDeny && match <= allow) || !statement.ConditionsHold(values))
            {
                continue;
            }

            if (statement.IsDeny)
            {
                return new ResourceDecision(Denied: true, PrincipalMatch.None);
            }

            allow = match;
        }

        return new ResourceDecision(Denied: false, allow);
    }

    /// <summary>An identity-based policy: Deny, Allow or neither.</summary>
    public Effect EvaluateIdentity(string action, string resource, IConditionValues values)
    {
        var result = Effect.None;
        foreach (var statement in statements)
        {
            if (!statement.MatchesAction(action) || !statement.MatchesResource(resource)
                || (!statement.IsDeny && result == Effect.Allow) || !statement.ConditionsHold(values))
            {
                continue;
            }

            if (statement.IsDeny)
            {
                return Effect.Deny;
            }

            result = Effect.Allow;
        }

        return result;
    }
}

/// <summary>The outcome of one resource-based policy for one request.</summary>
public readonly record struct ResourceDecision(bool Denied, PrincipalMatch Allow);

public enum Effect
{
    None,
    Allow,
    Deny,
}
