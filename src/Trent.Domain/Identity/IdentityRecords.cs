namespace Trent.Domain.Identity;

/// <summary>An account (12-digit ID) that holds keys, users and roles.</summary>
public sealed record AccountRecord(string AccountId, DateTimeOffset CreatedAt);

/// <summary>An IAM user. Access keys of the user are in the credential store, under the user's ARN.</summary>
public sealed record UserRecord(
    string AccountId, string UserName, string UserId, string Path, string Arn, DateTimeOffset CreateDate, IReadOnlyDictionary<string, string> Tags);

/// <summary>An IAM role, assumed through STS AssumeRole as its trust policy allows.</summary>
public sealed record RoleRecord(
    string AccountId,
    string RoleName,
    string RoleId,
    string Path,
    string Arn,
    DateTimeOffset CreateDate,
    string AssumeRolePolicyDocument,
    string? Description,
    int MaxSessionDuration,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>Whose inline policy: a user's or a role's.</summary>
public enum IdentityKind
{
    User,
    Role,
}

/// <summary>An inline (embedded) identity policy of a user or role.</summary>
public sealed record InlinePolicyRecord(string AccountId, IdentityKind Kind, string IdentityName, string PolicyName, string Document);
