using System.Xml;
using Trent.Domain.Auth;
using Trent.Domain.Identity;

namespace Trent.Protocol.Query;

/// <summary>The IAM actions Trent answers, translated between form parameters, the domain and IAM's XML.</summary>
public sealed class IamActions(IdentityService iam)
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "CreateUser", "GetUser", "ListUsers", "DeleteUser", "CreateAccessKey", "ListAccessKeys", "DeleteAccessKey",
        "CreateRole", "GetRole", "ListRoles", "DeleteRole", "PutUserPolicy", "PutRolePolicy", "GetUserPolicy", "GetRolePolicy",
        "ListUserPolicies", "ListRolePolicies", "DeleteUserPolicy", "DeleteRolePolicy",
    };

    /// <summary>Runs the action; returns the writer of its Result element, or null for actions without one.</summary>
    public async Task<Action<XmlWriter>?> RunAsync(string action, QueryRequest q, RequestContext context, CancellationToken ct)
    {
        switch (action)
        {
            case "CreateUser":
                var created = await iam.CreateUserAsync(context, q.Required("UserName"), q.Get("Path"), q.Tags(), ct).ConfigureAwait(false);
                return x => WriteUser(x, "User", created);
            case "GetUser":
                var user = await iam.GetUserAsync(context, q.Get("UserName"), ct).ConfigureAwait(false);
                return x => WriteUser(x, "User", user);
            case "ListUsers":
                var users = await iam.ListUsersAsync(context, ct).ConfigureAwait(false);
                return x =>
                {
                    x.WriteElementString("IsTruncated", "false");
                    x.Members("Users", users, (w, u) => WriteUserFields(w, u));
                };
            case "DeleteUser":
                await iam.DeleteUserAsync(context, q.Required("UserName"), ct).ConfigureAwait(false);
                return null;
            case "CreateAccessKey":
                var (credentials, owner, when) = await iam.CreateAccessKeyAsync(context, q.Get("UserName"), ct).ConfigureAwait(false);
                return x =>
                {
                    x.WriteStartElement("AccessKey");
                    x.WriteElementString("UserName", owner);
                    x.WriteElementString("AccessKeyId", credentials.AccessKeyId);
                    x.WriteElementString("Status", "Active");
                    x.WriteElementString("SecretAccessKey", credentials.SecretAccessKey);
                    x.WriteElementString("CreateDate", QueryXml.Timestamp(when));
                    x.WriteEndElement();
                };
            case "ListAccessKeys":
                var (keyOwner, keys) = await iam.ListAccessKeysAsync(context, q.Get("UserName"), ct).ConfigureAwait(false);
                return x =>
                {
                    x.WriteElementString("UserName", keyOwner);
                    x.Members("AccessKeyMetadata", keys, (w, k) =>
                    {
                        w.WriteElementString("UserName", keyOwner);
                        w.WriteElementString("AccessKeyId", k.AccessKeyId);
                        w.WriteElementString("Status", k.Active ? "Active" : "Inactive");
                        w.WriteElementString("CreateDate", QueryXml.Timestamp(k.CreatedAt));
                    });
                    x.WriteElementString("IsTruncated", "false");
                };
            case "DeleteAccessKey":
                await iam.DeleteAccessKeyAsync(context, q.Required("AccessKeyId"), q.Get("UserName"), ct).ConfigureAwait(false);
                return null;
            case "CreateRole":
                var role = await iam.CreateRoleAsync(
                    context, q.Required("RoleName"), q.Get("Path"), q.Required("AssumeRolePolicyDocument"), q.Get("Description"),
                    q.Int("MaxSessionDuration"), q.Tags(), ct).ConfigureAwait(false);
                return x => WriteRole(x, "Role", role);
            case "GetRole":
                var found = await iam.GetRoleAsync(context, q.Required("RoleName"), ct).ConfigureAwait(false);
                return x => WriteRole(x, "Role", found);
            case "ListRoles":
                var roles = await iam.ListRolesAsync(context, ct).ConfigureAwait(false);
                return x =>
                {
                    x.WriteElementString("IsTruncated", "false");
                    x.Members("Roles", roles, (w, r) => WriteRoleFields(w, r));
                };
            case "DeleteRole":
                await iam.DeleteRoleAsync(context, q.Required("RoleName"), ct).ConfigureAwait(false);
                return null;
            case "PutUserPolicy" or "PutRolePolicy":
                var (kind, nameParameter) = Kind(action);
                await iam.PutPolicyAsync(context, kind, q.Required(nameParameter), q.Required("PolicyName"), q.Required("PolicyDocument"), ct)
                    .ConfigureAwait(false);
                return null;
            case "GetUserPolicy" or "GetRolePolicy":
                (kind, nameParameter) = Kind(action);
                var policy = await iam.GetPolicyAsync(context, kind, q.Required(nameParameter), q.Required("PolicyName"), ct).ConfigureAwait(false);
                return x =>
                {
                    x.WriteElementString(nameParameter, policy.IdentityName);
                    x.WriteElementString("PolicyName", policy.PolicyName);
                    x.WriteElementString("PolicyDocument", Uri.EscapeDataString(policy.Document));
                };
            case "ListUserPolicies" or "ListRolePolicies":
                (kind, nameParameter) = Kind(action);
                var names = await iam.ListPoliciesAsync(context, kind, q.Required(nameParameter), ct).ConfigureAwait(false);
                return x =>
                {
                    x.Members("PolicyNames", names, (w, n) => w.WriteString(n));
                    x.WriteElementString("IsTruncated", "false");
                };
            case "DeleteUserPolicy" or "DeleteRolePolicy":
                (kind, nameParameter) = Kind(action);
                await iam.DeletePolicyAsync(context, kind, q.Required(nameParameter), q.Required("PolicyName"), ct).ConfigureAwait(false);
                return null;
            default:
                throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version 2010-05-08");
        }
    }

    private static (IdentityKind Kind, string NameParameter) Kind(string action) =>
        action.Contains("User", StringComparison.Ordinal) ? (IdentityKind.User, "UserName") : (IdentityKind.Role, "RoleName");

    private static void WriteUser(XmlWriter x, string element, UserRecord user)
    {
        x.WriteStartElement(element);
        WriteUserFields(x, user);
        x.WriteEndElement();
    }

    private static void WriteUserFields(XmlWriter x, UserRecord user)
    {
        x.WriteElementString("Path", user.Path);
        x.WriteElementString("UserName", user.UserName);
        x.WriteElementString("UserId", user.UserId);
        x.WriteElementString("Arn", user.Arn);
        x.WriteElementString("CreateDate", QueryXml.Timestamp(user.CreateDate));
        x.Tags(user.Tags);
    }

    private static void WriteRole(XmlWriter x, string element, RoleRecord role)
    {
        x.WriteStartElement(element);
        WriteRoleFields(x, role);
        x.WriteEndElement();
    }

    private static void WriteRoleFields(XmlWriter x, RoleRecord role)
    {
        x.WriteElementString("Path", role.Path);
        x.WriteElementString("RoleName", role.RoleName);
        x.WriteElementString("RoleId", role.RoleId);
        x.WriteElementString("Arn", role.Arn);
        x.WriteElementString("CreateDate", QueryXml.Timestamp(role.CreateDate));
        x.WriteElementString("AssumeRolePolicyDocument", Uri.EscapeDataString(role.AssumeRolePolicyDocument));
        x.Element("Description", role.Description);
        x.WriteElementString("MaxSessionDuration", role.MaxSessionDuration.ToString(System.Globalization.CultureInfo.InvariantCulture));
        x.Tags(role.Tags);
    }
}
