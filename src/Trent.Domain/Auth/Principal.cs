using Trent.Domain.Policies.Language;

namespace Trent.Domain.Auth;

/// <summary>Who made a request, as CloudTrail's userIdentity describes them.</summary>
public sealed record Principal(
    PrincipalType Type,
    string AccountId,
    string Arn,
    string PrincipalId,
    string? AccessKeyId)
{
    private PolicyCaller? _policyCaller;

    public static Principal AccountRoot(string partition, string accountId, string? accessKeyId) =>
        new(PrincipalType.Root, accountId, $"arn:{partition}:iam::{accountId}:root", accountId, accessKeyId);

    public static Principal User(string accountId, string arn, string userId, string? accessKeyId) =>
        new(PrincipalType.IAMUser, accountId, arn, userId, accessKeyId);

    /// <summary>An assumed-role session: <c>arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION</c> (as AWS, without the role's path).</summary>
    public static Principal Session(
        string partition, string accountId, string rolePath, string roleName, string roleId, string sessionName, string accessKeyId) =>
        new(PrincipalType.AssumedRole, accountId, $"arn:{partition}:sts::{accountId}:assumed-role/{roleName}/{sessionName}", $"{roleId}:{sessionName}", accessKeyId)
        {
            RolePath = rolePath,
        };

    /// <summary>The IAM path of a session's role (<c>/</c> or <c>/dev/</c>...), else null.</summary>
    public string? RolePath { get; init; }

    /// <summary>The unique ID (<c>AROA…</c>) of a session's role, else null.</summary>
    public string? RoleId => Type == PrincipalType.AssumedRole ? PrincipalId[..PrincipalId.IndexOf(':', StringComparison.Ordinal)] : null;

    public string Partition => Arn.Split(':', 3)[1];

    /// <summary>The role of an assumed-role session (whose policies apply), else null.</summary>
    public string? RoleName => Type == PrincipalType.AssumedRole ? Arn.Split(':', 6)[5].Split('/')[1] : null;

    /// <summary>The IAM user name of a user, else null.</summary>
    public string? UserName => Type == PrincipalType.IAMUser ? Arn[(Arn.LastIndexOf('/') + 1)..] : null;

    /// <summary>The role ARN of a session, with the role's path (what <c>aws:PrincipalArn</c> reports), else the caller's own ARN.</summary>
    public string IdentityArn => RoleName is { } role ? $"arn:{Partition}:iam::{AccountId}:role{RolePath ?? "/"}{role}" : Arn;

    /// <summary>
    /// The same principal as a request in <paramref name="partition"/> sees it. One account and its IAM serve every
    /// partition here (AWS keeps separate accounts per partition), so ARNs take the partition of the request's
    /// Region: a key policy in <c>cn-north-1</c> names <c>arn:aws-cn:iam::…</c>, as it does in AWS.
    /// </summary>
    public Principal InPartition(string partition) =>
        IsIn(partition) ? this : this with { Arn = $"arn:{partition}:{Arn[(Arn.IndexOf(':', 4) + 1)..]}", _policyCaller = null };

    /// <summary>Whether the ARN is of <paramref name="partition"/> ("arn:PARTITION:..."), without allocating.</summary>
    public bool IsIn(string partition) =>
        Arn.Length > 5 + partition.Length && Arn.AsSpan(4).StartsWith(partition, StringComparison.Ordinal) && Arn[4 + partition.Length] == ':';

    /// <summary>The caller as policy Principal elements match it (built once per principal).</summary>
    public PolicyCaller PolicyCaller => _policyCaller ??= new PolicyCaller(
        Partition, AccountId, Arn, Type == PrincipalType.AssumedRole ? IdentityArn : null, Type == PrincipalType.Root);
}

public enum PrincipalType
{
    Root,
    IAMUser,
    AssumedRole,
}
