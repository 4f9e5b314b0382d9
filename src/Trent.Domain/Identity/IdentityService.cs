using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Trent.Domain.Auth;
using Trent.Domain.Keys;
using Trent.Domain.Policies.Language;
using Trent.Domain.Storage;

namespace Trent.Domain.Identity;

/// <summary>
/// The IAM subset: users, roles, access keys and inline policies, in the caller's account. Each action is
/// authorized by the caller's identity policies (the account root may do everything).
/// </summary>
public sealed partial class IdentityService(
    IIdentityStore store,
    AccessKeyService accessKeys,
    PolicyAuthorizer authorizer,
    CallerIdentityLoader loader,
    KeyCache keys,
    ServiceSettings settings,
    TimeProvider clock)
{
    public const int MaxAccessKeysPerUser = 2;
    public const int MaxInlinePolicyBytes = 10_240;

    /// <summary>The name the account root goes by where a user name is shown; no IAM user may take it.</summary>
    public const string RootUserName = "root";

    public async Task<UserRecord> CreateUserAsync(RequestContext context, string userName, string? path, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        ValidateName(userName, "userName", 64);
        if (userName.Equals(RootUserName, StringComparison.OrdinalIgnoreCase))
        {
            // "root" names the account itself in CloudTrail's userIdentity and LookupEvents' Username, and in
            // access-key answers for the root's own keys: a user of that name would be confused with it.
            throw new IamException("InvalidInput", 400, $"The user name {userName} is reserved: it names the account root user.");
        }

        path = ValidatePath(path);
        var account = context.Caller.AccountId;
        var arn = $"arn:{settings.Partition}:iam::{account}:user{path}{userName}";
        Authorize(context, "iam:CreateUser", arn);
        var user = new UserRecord(account, userName, NewId("AIDA"), path, arn, Now(), tags);
        if (!await store.TryCreateUserAsync(user, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.EntityAlreadyExists($"User with name {userName} already exists.");
        }

        return user;
    }

    public async Task<UserRecord> GetUserAsync(RequestContext context, string? userName, CancellationToken cancellationToken)
    {
        if (userName is null)
        {
            userName = context.Caller.UserName ?? throw IamException.Validation("Must specify userName when calling with non-User credentials");
        }

        var user = await RequireUserAsync(context.Caller.AccountId, userName, cancellationToken).ConfigureAwait(false);
        Authorize(context, "iam:GetUser", user.Arn);
        return user;
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(RequestContext context, CancellationToken cancellationToken)
    {
        Authorize(context, "iam:ListUsers", $"arn:{settings.Partition}:iam::{context.Caller.AccountId}:user/");
        return await store.ListUsersAsync(context.Caller.AccountId, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteUserAsync(RequestContext context, string userName, CancellationToken cancellationToken)
    {
        var account = context.Caller.AccountId;
        var user = await RequireUserAsync(account, userName, cancellationToken).ConfigureAwait(false);
        Authorize(context, "iam:DeleteUser", user.Arn);
        if ((await accessKeys.ListAsync(user.Arn, cancellationToken).ConfigureAwait(false)).Count > 0
            || (await store.ListPoliciesAsync(account, IdentityKind.User, user.UserName, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            throw IamException.DeleteConflict("Cannot delete entity, must delete policies and access keys first.");
        }

        Forget(await store.DeleteUserAsync(account, user.UserName, cancellationToken).ConfigureAwait(false));
        loader.Invalidate(account, IdentityKind.User, user.UserName);
    }

    public async Task<(GeneratedCredentials Credentials, string UserName, DateTimeOffset Created)> CreateAccessKeyAsync(
        RequestContext context, string? userName, CancellationToken cancellationToken)
    {
        var (owner, name) = await OwnerAsync(context, userName, cancellationToken).ConfigureAwait(false);
        Authorize(context, "iam:CreateAccessKey", owner.Arn);
        if ((await accessKeys.ListAsync(owner.Arn, cancellationToken).ConfigureAwait(false)).Count >= MaxAccessKeysPerUser && owner.Type == PrincipalType.IAMUser)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for AccessKeysPerUser: {MaxAccessKeysPerUser}");
        }

        var created = await accessKeys.CreateAsync(owner, cancellationToken).ConfigureAwait(false);
        return (created, name, Now());
    }

    public async Task<(string UserName, IReadOnlyList<AccessKeyRecord> Keys)> ListAccessKeysAsync(
        RequestContext context, string? userName, CancellationToken cancellationToken)
    {
        var (owner, name) = await OwnerAsync(context, userName, cancellationToken).ConfigureAwait(false);
        Authorize(context, "iam:ListAccessKeys", owner.Arn);
        return (name, await accessKeys.ListAsync(owner.Arn, cancellationToken).ConfigureAwait(false));
    }

    public async Task DeleteAccessKeyAsync(RequestContext context, string accessKeyId, string? userName, CancellationToken cancellationToken)
    {
        var (owner, _) = await OwnerAsync(context, userName, cancellationToken).ConfigureAwait(false);
        Authorize(context, "iam:DeleteAccessKey", owner.Arn);
        var key = await accessKeys.GetAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
        if (key is null || key.PrincipalArn != owner.Arn)
        {
            throw IamException.NoSuchEntity($"The Access Key with id {accessKeyId} cannot be found.");
        }

        await accessKeys.DeleteAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RoleRecord> CreateRoleAsync(
        RequestContext context, string roleName, string? path, string trustPolicy, string? description, int? maxSessionDuration,
        IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        ValidateName(roleName, "roleName", 64);
        path = ValidatePath(path);
        if (maxSessionDuration is { } max && max is < 3600 or > 43200)
        {
            throw IamException.Validation($"1 validation error detected: Value '{max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200");
        }

        ParsePolicy(trustPolicy, PolicyKind.Trust);
        var account = context.Caller.AccountId;
        var arn = $"arn:{settings.Partition}:iam::{account}:role{path}{roleName}";
        Authorize(context, "iam:CreateRole", arn);
        var role = new RoleRecord(account, roleName, NewId("AROA"), path, arn, Now(), trustPolicy, description, maxSessionDuration ?? 3600, tags);
        if (!await store.TryCreateRoleAsync(role, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.EntityAlreadyExists($"Role with name {roleName} already exists.");
        }

        return role;
    }

    public async Task<RoleRecord> GetRoleAsync(RequestContext context, string roleName, CancellationToken cancellationToken)
    {
        var role = await RequireRoleAsync(context.Caller.AccountId, roleName, cancellationToken).ConfigureAwait(false);
        Authorize(context, "iam:GetRole", role.Arn);
        return role;
    }

    public async Task<IReadOnlyList<RoleRecord>> ListRolesAsync(RequestContext context, CancellationToken cancellationToken)
    {
        Authorize(context, "iam:ListRoles", $"arn:{settings.Partition}:iam::{context.Caller.AccountId}:role/");
        return await store.ListRolesAsync(context.Caller.AccountId, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteRoleAsync(RequestContext context, string roleName, CancellationToken cancellationToken)
    {
        var account = context.Caller.AccountId;
        var role = await RequireRoleAsync(account, roleName, cancellationToken).ConfigureAwait(false);
        Authorize(context, "iam:DeleteRole", role.Arn);
        if ((await store.ListPoliciesAsync(account, IdentityKind.Role, role.RoleName, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            throw IamException.DeleteConflict("Cannot delete entity, must delete policies first.");
        }

        Forget(await store.DeleteRoleAsync(account, role.RoleName, cancellationToken).ConfigureAwait(false));
        loader.Invalidate(account, IdentityKind.Role, role.RoleName);
    }

    public async Task PutPolicyAsync(
        RequestContext context, IdentityKind kind, string name, string policyName, string document, CancellationToken cancellationToken)
    {
        ValidateName(policyName, "policyName", 128);
        if (System.Text.Encoding.UTF8.GetByteCount(document) > MaxInlinePolicyBytes)
        {
            throw IamException.LimitExceeded($"Maximum policy size of {MaxInlinePolicyBytes} bytes exceeded for {(kind == IdentityKind.User ? "user" : "role")} {name}");
        }

        var arn = await RequireIdentityArnAsync(context.Caller.AccountId, kind, name, cancellationToken).ConfigureAwait(false);
        Authorize(context, kind == IdentityKind.User ? "iam:PutUserPolicy" : "iam:PutRolePolicy", arn);
        ParsePolicy(document, PolicyKind.Identity);
        await store.PutPolicyAsync(new InlinePolicyRecord(context.Caller.AccountId, kind, name, policyName, document), cancellationToken).ConfigureAwait(false);
        loader.Invalidate(context.Caller.AccountId, kind, name);
    }

    public async Task<InlinePolicyRecord> GetPolicyAsync(
        RequestContext context, IdentityKind kind, string name, string policyName, CancellationToken cancellationToken)
    {
        var arn = await RequireIdentityArnAsync(context.Caller.AccountId, kind, name, cancellationToken).ConfigureAwait(false);
        Authorize(context, kind == IdentityKind.User ? "iam:GetUserPolicy" : "iam:GetRolePolicy", arn);
        return await store.GetPolicyAsync(context.Caller.AccountId, kind, name, policyName, cancellationToken).ConfigureAwait(false)
            ?? throw IamException.NoSuchEntity($"The {(kind == IdentityKind.User ? "user" : "role")} policy with name {policyName} cannot be found.");
    }

    public async Task<IReadOnlyList<string>> ListPoliciesAsync(RequestContext context, IdentityKind kind, string name, CancellationToken cancellationToken)
    {
        var arn = await RequireIdentityArnAsync(context.Caller.AccountId, kind, name, cancellationToken).ConfigureAwait(false);
        Authorize(context, kind == IdentityKind.User ? "iam:ListUserPolicies" : "iam:ListRolePolicies", arn);
        return [.. (await store.ListPoliciesAsync(context.Caller.AccountId, kind, name, cancellationToken).ConfigureAwait(false)).Select(p => p.PolicyName)];
    }

    public async Task DeletePolicyAsync(RequestContext context, IdentityKind kind, string name, string policyName, CancellationToken cancellationToken)
    {
        var arn = await RequireIdentityArnAsync(context.Caller.AccountId, kind, name, cancellationToken).ConfigureAwait(false);
        Authorize(context, kind == IdentityKind.User ? "iam:DeleteUserPolicy" : "iam:DeleteRolePolicy", arn);
        if (!await store.DeletePolicyAsync(context.Caller.AccountId, kind, name, policyName, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.NoSuchEntity($"The {(kind == IdentityKind.User ? "user" : "role")} policy with name {policyName} cannot be found.");
        }

        loader.Invalidate(context.Caller.AccountId, kind, name);
    }

    public static PolicyDocument ParsePolicy(string document, PolicyKind kind)
    {
        try
        {
            return PolicyParser.Parse(document, kind);
        }
        catch (PolicyFormatException e)
        {
            throw IamException.MalformedPolicy(e.Message);
        }
    }

    /// <summary>Drops the cached rows of the keys whose policy the deletion rewrote, so this node enforces the
    /// rewritten policy at once (trust policies and grants are read uncached).</summary>
    private void Forget(IdentityDeletion? deletion)
    {
        foreach (var (accountId, region, keyId) in deletion?.RewrittenKeys ?? [])
        {
            keys.RemoveKey(accountId, region, keyId);
        }
    }

    private void Authorize(RequestContext context, string action, string resource) =>
        authorizer.AuthorizeIdentityOnly(context, action, resource);

    private async Task<(Principal Owner, string Name)> OwnerAsync(RequestContext context, string? userName, CancellationToken cancellationToken)
    {
        if (userName is null)
        {
            var caller = context.Caller;
            return caller.Type switch
            {
                PrincipalType.Root => (Principal.AccountRoot(settings.Partition, caller.AccountId, null), RootUserName),
                PrincipalType.IAMUser => (caller with { AccessKeyId = null }, caller.UserName!),
                _ => throw IamException.Validation("Must specify userName when calling with non-User credentials"),
            };
        }

        var user = await RequireUserAsync(context.Caller.AccountId, userName, cancellationToken).ConfigureAwait(false);
        return (Principal.User(user.AccountId, user.Arn, user.UserId, null), user.UserName);
    }

    private async Task<UserRecord> RequireUserAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        await store.GetUserAsync(accountId, userName, cancellationToken).ConfigureAwait(false)
            ?? throw IamException.NoSuchEntity($"The user with name {userName} cannot be found.");

    private async Task<RoleRecord> RequireRoleAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        await store.GetRoleAsync(accountId, roleName, cancellationToken).ConfigureAwait(false)
            ?? throw IamException.NoSuchEntity($"The role with name {roleName} cannot be found.");

    private async Task<string> RequireIdentityArnAsync(string accountId, IdentityKind kind, string name, CancellationToken cancellationToken) =>
        kind == IdentityKind.User
            ? (await RequireUserAsync(accountId, name, cancellationToken).ConfigureAwait(false)).Arn
            : (await RequireRoleAsync(accountId, name, cancellationToken).ConfigureAwait(false)).Arn;

    private static void ValidateName(string name, string member, int max)
    {
        if (name.Length is 0 || name.Length > max || !NamePattern().IsMatch(name))
        {
            throw IamException.Validation(
                $"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length at most {max}");
        }
    }

    private static string ValidatePath(string? path)
    {
        path ??= "/";
        if (path.Length > 512 || !PathPattern().IsMatch(path))
        {
            throw IamException.Validation($"The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.");
        }

        return path;
    }

    /// <summary>IAM unique IDs: a type prefix and 17 upper-case letters and digits.</summary>
    private static string NewId(string prefix)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        Span<byte> random = stackalloc byte[17];
        RandomNumberGenerator.Fill(random);
        var chars = new char[17];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random[i] & 31];
        }

        return prefix + new string(chars);
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());

    [GeneratedRegex(@"^[\w+=,.@-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^/([\x21-\x7E]*/)?$")]
    private static partial Regex PathPattern();
}
