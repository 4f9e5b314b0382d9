namespace Trent.Domain.Policies.Language;

/// <summary>
/// Who asks, as policy Principal elements match them: the caller's ARN, its role's ARN for an assumed-role
/// session, and its account. A key policy naming the account (root ARN or bare ID) delegates to that
/// account's IAM policies rather than allowing every principal in it.
/// </summary>
public sealed record PolicyCaller(string Partition, string AccountId, string Arn, string? RoleArn, bool IsRoot)
{
    public string RootArn => $"arn:{Partition}:iam::{AccountId}:root";
}

/// <summary>How a statement's Principal element relates to the caller.</summary>
public enum PrincipalMatch
{
    None,

    /// <summary>The statement names the caller's account: its IAM policies decide.</summary>
    Account,

    /// <summary>The statement names the caller (or "*").</summary>
    Direct,
}
