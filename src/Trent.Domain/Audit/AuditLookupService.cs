using Trent.Domain.Auth;
using Trent.Domain.Keys;

namespace Trent.Domain.Audit;

/// <summary>CloudTrail LookupEvents over the caller's own account's records.</summary>
public sealed class AuditLookupService(IAuditEventIndex index, IAuthorizer authorizer, ServiceSettings settings)
{
    public Task<AuditLookupPage> LookupAsync(RequestContext context, AuditLookupQuery query, CancellationToken cancellationToken)
    {
        authorizer.Authorize(context, "cloudtrail:LookupEvents", key: null);
        var accountId = context.Caller.AccountId;
        // Records name resources by ARN; a bare key ID (or alias name) names the one in the caller's account and Region.
        if (query.Attribute == LookupAttribute.ResourceName && query.AttributeValue is { } name && !name.StartsWith("arn:", StringComparison.Ordinal))
        {
            query = query with
            {
                AttributeValue = name.StartsWith("alias/", StringComparison.Ordinal)
                    ? KeyArn.FormatAlias(settings.Partition, settings.Region, accountId, name)
                    : KeyArn.Format(settings.Partition, settings.Region, accountId, name),
            };
        }

        return index.LookupAsync(query with { AccountId = accountId }, cancellationToken);
    }
}
