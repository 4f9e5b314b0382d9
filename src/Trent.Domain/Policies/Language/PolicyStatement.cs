namespace Trent.Domain.Policies.Language;

/// <summary>One compiled statement. A key-policy statement without Action or Resource never applies (AWS accepts it).</summary>
public sealed class PolicyStatement
{
    public required string? Sid { get; init; }
    public required bool IsDeny { get; init; }
    public PolicyPrincipals? Principal { get; init; }
    public bool NotPrincipal { get; init; }
    public required Wildcard[] Actions { get; init; }
    public bool NotAction { get; init; }
    public required Wildcard[] Resources { get; init; }
    public bool NotResource { get; init; }
    public required PolicyCondition[] Conditions { get; init; }

    public bool AppliesToAnyResource => !NotResource && Resources.Any(r => r.Pattern == "*");

    public bool MatchesAction(string action) => Any(Actions, action) != NotAction;

    public bool MatchesResource(string resource) => Any(Resources, resource) != NotResource;

    public PrincipalMatch MatchPrincipal(PolicyCaller caller)
    {
        if (Principal is null)
        {
            return PrincipalMatch.None;
        }

        if (!NotPrincipal)
        {
            return Principal.Match(caller);
        }

        // NotPrincipal applies to everyone it does not name.
        return Principal.Names(caller) ? PrincipalMatch.None : PrincipalMatch.Direct;
    }

    public bool ConditionsHold(IConditionValues values)
    {
        foreach (var condition in Conditions)
        {
            if (!condition.Evaluate(values))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Any(Wildcard[] patterns, string value)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }
}
