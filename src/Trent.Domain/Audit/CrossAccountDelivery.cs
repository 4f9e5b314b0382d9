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
    /// per other account whose key the caller was authorized to use (just the event when there is none).</summary>
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

    /// <summary>Only accounts whose key the caller was authorized to use: a caller refused before or at
    /// authorization (of any error) never writes into another account's trail.</summary>
    private static List<string>? OtherOwners(AuditEvent auditEvent)
    {
        List<string>? owners = null;
        foreach (var account in auditEvent.KeyOwnerAccounts)
        {
            if (account != auditEvent.RecipientAccountId)
            {
                (owners ??= new List<string>(1)).Add(account);
            }
        }

        return owners;
    }
}
