using Trent.Domain.Identity;

namespace Trent.Domain.Storage;

/// <summary>Durable storage of accounts, IAM users, roles and their inline policies.</summary>
public interface IIdentityStore
{
    Task<bool> TryCreateAccountAsync(AccountRecord account, CancellationToken cancellationToken);

    Task<AccountRecord?> GetAccountAsync(string accountId, CancellationToken cancellationToken);

    Task<bool> TryCreateUserAsync(UserRecord user, CancellationToken cancellationToken);

    Task<UserRecord?> GetUserAsync(string accountId, string userName, CancellationToken cancellationToken);

    Task<IReadOnlyList<UserRecord>> ListUsersAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the user and, in the same transaction, does what IAM does to policies naming a deleted identity, so that
    /// one created later under the same name gets nothing meant for this one: wherever its ARN is an AWS principal, in
    /// every stored key policy and role trust policy of every account (see <see cref="Policies.Language.PrincipalRewriter"/>:
    /// Principal and NotPrincipal values only, escaped forms included) and in every grant's grantee and retiring
    /// principal, it becomes the user's unique ID. A key whose policy changes gets a new row version. Null when there is
    /// no such user.
    /// </summary>
    Task<IdentityDeletion?> DeleteUserAsync(string accountId, string userName, CancellationToken cancellationToken);

    Task<bool> TryCreateRoleAsync(RoleRecord role, CancellationToken cancellationToken);

    Task<RoleRecord?> GetRoleAsync(string accountId, string roleName, CancellationToken cancellationToken);

    Task<IReadOnlyList<RoleRecord>> ListRolesAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>As <see cref="DeleteUserAsync"/>, for a role.</summary>
    Task<IdentityDeletion?> DeleteRoleAsync(string accountId, string roleName, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an inline policy.</summary>
    Task PutPolicyAsync(InlinePolicyRecord policy, CancellationToken cancellationToken);

    Task<InlinePolicyRecord?> GetPolicyAsync(
        string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken);

    Task<IReadOnlyList<InlinePolicyRecord>> ListPoliciesAsync(
        string accountId, IdentityKind kind, string identityName, CancellationToken cancellationToken);

    Task<bool> DeletePolicyAsync(string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken);
}

/// <summary>A deleted user or role, and the keys (account, Region, key ID) whose policy named it until then.</summary>
public sealed record IdentityDeletion(string Arn, string UniqueId, IReadOnlyList<(string AccountId, string Region, string KeyId)> RewrittenKeys);
