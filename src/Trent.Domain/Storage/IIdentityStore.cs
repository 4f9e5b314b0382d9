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

    Task<bool> DeleteUserAsync(string accountId, string userName, CancellationToken cancellationToken);

    Task<bool> TryCreateRoleAsync(RoleRecord role, CancellationToken cancellationToken);

    Task<RoleRecord?> GetRoleAsync(string accountId, string roleName, CancellationToken cancellationToken);

    Task<IReadOnlyList<RoleRecord>> ListRolesAsync(string accountId, CancellationToken cancellationToken);

    Task<bool> DeleteRoleAsync(string accountId, string roleName, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an inline policy.</summary>
    Task PutPolicyAsync(InlinePolicyRecord policy, CancellationToken cancellationToken);

    Task<InlinePolicyRecord?> GetPolicyAsync(
        string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken);

    Task<IReadOnlyList<InlinePolicyRecord>> ListPoliciesAsync(
        string accountId, IdentityKind kind, string identityName, CancellationToken cancellationToken);

    Task<bool> DeletePolicyAsync(string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken);
}
