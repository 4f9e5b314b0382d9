using Trent.Domain.Auth;
using Trent.Domain.Keys;

namespace Trent.Domain.Audit;

/// <summary>CloudTrail LookupEvents over the caller's own account's records in the request's Region (a trail is per Region, as CloudTrail's event history is).</summary>
public sealed class AuditLookupService(IAuditEventIndex index, IAuthorizer authorizer)
{
    public async Task<AuditLookupPage> LookupAsync(RequestContext context, AuditLookupQuery query, CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeAsync(context, "cloudtrail:LookupEvents", key: null, cancellationToken).ConfigureAwait(false);
        var accountId = context.Caller.AccountId;
        // Records name resources by ARN; a bare key ID (or alias name) names the one in the caller's account and Region.
        if (query.Attribute == LookupAttribute.ResourceName && query.AttributeValue is { } name && !name.StartsWith("arn:", StringComparison.Ordinal))
        {
            query = query with
            {
                AttributeValue = name.StartsWith("alias/", StringComparison.Ordinal)
                    ? KeyArn.FormatAlias(context.Region.Partition, context.Region.Name, accountId, name)
                    : KeyArn.Format(context.Region.Partition, context.Region.Name, accountId, name),
            };
        }

        return await index.LookupAsync(query with { AccountId = accountId, Region = context.Region.Name }, cancellationToken).ConfigureAwait(false);
    }
}
