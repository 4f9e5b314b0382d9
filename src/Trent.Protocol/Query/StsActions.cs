using System.Xml;
using Trent.Domain.Auth;
using Trent.Domain.Identity;

namespace Trent.Protocol.Query;

/// <summary>The STS actions Trent answers: GetCallerIdentity and AssumeRole.</summary>
public sealed class StsActions(SecurityTokenService sts)
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "GetCallerIdentity", "AssumeRole" };

    public async Task<Action<XmlWriter>?> RunAsync(string action, QueryRequest q, RequestContext context, CancellationToken ct)
    {
        switch (action)
        {
            case "GetCallerIdentity":
                var caller = context.Caller;
                return x =>
                {
                    x.WriteElementString("Arn", caller.Arn);
                    x.WriteElementString("UserId", caller.PrincipalId);
                    x.WriteElementString("Account", caller.AccountId);
                };
            case "AssumeRole":
                var (credentials, _) = await sts.AssumeRoleAsync(
                    context, q.Required("RoleArn"), q.Required("RoleSessionName"), q.Int("DurationSeconds"), ct).ConfigureAwait(false);
                return x =>
                {
                    x.WriteStartElement("Credentials");
                    x.WriteElementString("AccessKeyId", credentials.AccessKeyId);
                    x.WriteElementString("SecretAccessKey", credentials.SecretAccessKey);
                    x.WriteElementString("SessionToken", credentials.SessionToken);
                    x.WriteElementString("Expiration", QueryXml.Timestamp(credentials.Expiration));
                    x.WriteEndElement();
                    x.WriteStartElement("AssumedRoleUser");
                    x.WriteElementString("AssumedRoleId", credentials.Principal.PrincipalId);
                    x.WriteElementString("Arn", credentials.Principal.Arn);
                    x.WriteEndElement();
                };
            default:
                throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version 2011-06-15");
        }
    }
}
