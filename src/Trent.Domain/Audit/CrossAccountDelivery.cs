namespace Trent.Domain.Audit;

/// <summary>
/// CloudTrail delivers a request that another account's key took part in to that account too: each copy
/// has its own eventID and recipientAccountId, and all share one sharedEventID. A cross-account request
/// refused with AccessDeniedException goes to the caller's account only (AWS KMS Developer Guide, "Logging
/// AWS KMS API calls with AWS CloudTrail"), so a denied caller cannot write into the key owner's trail.
/// </summary>
public static class CrossAccountDelivery
{
    public const string DeniedErrorCode = "AccessDeniedException";

    /// <summary>The copies of <paramref name="auditEvent"/> to record together: the caller's first, then one
    /// per other account whose resources the request touched (just the event when there is none).</summary>
    public static IReadOnlyList<AuditEvent> Copies(AuditEvent auditEvent)
    {
        var owners = auditEvent.ServiceEvent || auditEvent.Principal is null || auditEvent.ErrorCode == DeniedErrorCode
            ? null
            : OtherOwners(auditEvent);
        if (owners is null)
        {
            return [auditEvent];
        }

        var shared = auditEvent with { SharedEventId = Guid.NewGuid().ToString() };
        var copies = new AuditEvent[owners.Count + 1];
        copies[0] = shared;
        for (var i = 0; i < owners.Count; i++)
        {
            copies[i + 1] = shared with { RecipientAccountId = owners[i], EventId = Guid.NewGuid().ToString() };
        }

        return copies;
    }

    private static List<string>? OtherOwners(AuditEvent auditEvent)
    {
        List<string>? owners = null;
        foreach (var arn in auditEvent.Resources)
        {
            if (AccountOf(arn) is { Length: > 0 } account && account != auditEvent.RecipientAccountId && !(owners?.Contains(account) ?? false))
            {
                (owners ??= new List<string>(1)).Add(account);
            }
        }

        return owners;
    }

    /// <summary>The account field of an ARN (arn:partition:service:region:account:resource).</summary>
    private static string? AccountOf(string arn)
    {
        var parts = arn.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" ? parts[4] : null;
    }
}
