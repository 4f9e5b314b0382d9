using System.Text.RegularExpressions;
using Trent.Domain.Auth;
using Trent.Domain.Policies;
using Trent.Domain.Policies.Language;
using Trent.Domain.Storage;

namespace Trent.Domain.Identity;

/// <summary>STS: GetCallerIdentity and AssumeRole (same account or across accounts, as the trust policy allows).</summary>
public sealed partial class SecurityTokenService(IIdentityStore store, SessionTokens sessions, PolicyAuthorizer authorizer, PolicyCache policies)
{
    public async Task<(SessionCredentials Credentials, RoleRecord Role)> AssumeRoleAsync(
        RequestContext context, string roleArn, string sessionName, int? durationSeconds, CancellationToken cancellationToken)
    {
        if (!SessionNamePattern().IsMatch(sessionName))
        {
            throw IamException.Validation(
                $"1 validation error detected: Value '{sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }

        var match = RoleArnPattern().Match(roleArn);
        if (!match.Success)
        {
            throw IamException.Validation($"{roleArn} is invalid");
        }

        // The ARN names the role by path and name: role/dev/admin is the role "admin" at path "/dev/", never "admin" at "/".
        var accountId = match.Groups[1].Value;
        var pathAndName = match.Groups[2].Value;
        var lastSlash = pathAndName.LastIndexOf('/');
        var path = lastSlash < 0 ? "/" : "/" + pathAndName[..(lastSlash + 1)];
        var roleName = pathAndName[(lastSlash + 1)..];
        var role = await store.GetRoleAsync(accountId, roleName, cancellationToken).ConfigureAwait(false);
        if (role is null || !string.Equals(role.Path, path, StringComparison.Ordinal))
        {
            // AWS's answer for a role that does not exist as named, whatever the caller's policies say.
            throw new IamException("AccessDenied", 403, $"User: {context.Caller.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
        }

        var trust = policies.Get(role.AssumeRolePolicyDocument, PolicyKind.Trust);
        try
        {
            authorizer.AuthorizeWithResourcePolicy(context, "sts:AssumeRole", role.Arn, accountId, trust);
        }
        catch (Errors.KmsException e)
        {
            throw new IamException("AccessDenied", 403, e.Message);
        }

        var duration = durationSeconds ?? 3600;
        if (duration < 900 || duration > role.MaxSessionDuration)
        {
            throw IamException.Validation(
                $"The requested DurationSeconds exceeds the MaxSessionDuration set for this role (or is below 900 seconds): {duration}.");
        }

        return (sessions.Issue(accountId, role.Path, role.RoleName, role.RoleId, sessionName, TimeSpan.FromSeconds(duration)), role);
    }

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::(\d{12}):role/([\x21-\x7E]+)$")]
    private static partial Regex RoleArnPattern();
}
