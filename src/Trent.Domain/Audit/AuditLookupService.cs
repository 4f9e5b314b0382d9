using Trent.Domain.Auth;

namespace Trent.Domain.Audit;

/// <summary>CloudTrail LookupEvents over the caller's own account's records.</summary>
public sealed class AuditLookupService(IAuditEventIndex index, IAuthorizer authorizer)
{
    public Task<AuditLookupPage> LookupAsync(RequestContext context, AuditLookupQuery query, CancellationToken cancellationToken)
    {
        authorizer.Authorize(context, "cloudtrail:LookupEvents", key: null);
        return index.LookupAsync(query with { AccountId = context.Caller.AccountId }, cancellationToken);
    }
}
