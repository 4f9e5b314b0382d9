namespace Trent.Domain.Auth;

/// <summary>Who made a request, as CloudTrail's userIdentity describes them.</summary>
public sealed record Principal(
    PrincipalType Type,
    string AccountId,
    string Arn,
    string PrincipalId,
    string? AccessKeyId)
{
    public static Principal AccountRoot(string partition, string accountId, string? accessKeyId) =>
        new(PrincipalType.Root, accountId, $"arn:{partition}:iam::{accountId}:root", accountId, accessKeyId);
}

public enum PrincipalType
{
    Root,
    IAMUser,
    AssumedRole,
}
