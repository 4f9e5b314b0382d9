using Trent.Domain.Auth;
using Trent.Domain.Keys;

namespace Trent.Domain.Audit;

/// <summary>GetKeyLastUsage: answered from the usage the audit index tracks, never from the request path.</summary>
public sealed class KeyUsageService(KeyResolver resolver, IAuthorizer authorizer, IAuditEventIndex index)
{
    public async Task<KeyUsageReport> GetKeyLastUsageAsync(RequestContext context, string keyId, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:GetKeyLastUsage", key, cancellationToken).ConfigureAwait(false);
        var usage = await index.GetKeyLastUsageAsync(key.Arn, cancellationToken).ConfigureAwait(false);
        var trackingStart = index.TrackingStartDate > key.CreationDate ? index.TrackingStartDate : key.CreationDate;
        return new KeyUsageReport(key, usage, trackingStart);
    }
}

public sealed record KeyUsageReport(KeyRecord Key, KeyLastUsage? LastUsage, DateTimeOffset TrackingStartDate);
