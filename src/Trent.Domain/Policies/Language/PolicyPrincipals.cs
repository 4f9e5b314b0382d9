using System.Text.RegularExpressions;

namespace Trent.Domain.Policies.Language;

/// <summary>A Principal or NotPrincipal element: "*", or AWS principals (ARNs, account IDs or the unique IDs of deleted users and roles) and service principals.</summary>
public sealed partial class PolicyPrincipals
{
    private readonly HashSet<string> _aws;
    private readonly bool _anyone;

    private PolicyPrincipals(bool anyone, HashSet<string> aws, HashSet<string> services)
    {
        _anyone = anyone;
        _aws = aws;
        Services = services;
    }

    public IReadOnlySet<string> Services { get; }

    public IReadOnlySet<string> Aws => _aws;

    public bool IsAnyone => _anyone;

    public static PolicyPrincipals Anyone { get; } = new(true, [], []);

    public static PolicyPrincipals Create(IEnumerable<string> aws, IEnumerable<string> services)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in aws)
        {
            if (value == "*")
            {
                return Anyone;
            }

            if (!AwsPrincipal().IsMatch(value))
            {
                throw new PolicyFormatException("Policy contains a statement with one or more invalid principals.");
            }

            set.Add(value);
        }

        return new PolicyPrincipals(false, set, new HashSet<string>(services, StringComparer.Ordinal));
    }

    public PrincipalMatch Match(PolicyCaller caller)
    {
        if (_anyone || _aws.Contains(caller.Arn) || (caller.RoleArn is not null && _aws.Contains(caller.RoleArn)))
        {
            return PrincipalMatch.Direct;
        }

        if (_aws.Contains(caller.AccountId) || _aws.Contains(caller.RootArn))
        {
            return caller.IsRoot ? PrincipalMatch.Direct : PrincipalMatch.Account;
        }

        return PrincipalMatch.None;
    }

    /// <summary>
    /// Whether a NotPrincipal element names the caller, exempting it. As in AWS, an assumed-role session is
    /// exempt only when its session ARN is named: its role's ARN alone does not exempt it. Naming the account
    /// exempts only its root.
    /// </summary>
    public bool Names(PolicyCaller caller) =>
        _anyone || _aws.Contains(caller.Arn) || (caller.IsRoot && (_aws.Contains(caller.AccountId) || _aws.Contains(caller.RootArn)));

    // A unique ID (AIDA… a user, AROA… a role) is what IAM leaves in a policy where a deleted user or role was named
    // (PrincipalRewriter); it is accepted back, and matches no caller, since callers are matched by ARN.
    [GeneratedRegex(@"^(\d{12}|(AIDA|AROA)[A-Z0-9]+|arn:aws[a-z-]*:iam::\d{12}:(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+)|arn:aws[a-z-]*:sts::\d{12}:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+)$")]
    private static partial Regex AwsPrincipal();
}
