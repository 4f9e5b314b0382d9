namespace Trent.Protocol.AwsJson.Model;

// CloudTrail (awsJson1_1, target prefix com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101) and the KMS
// operation answered from the audit trail.
public sealed class LookupEventsRequest
{
    public List<LookupAttributeEntry>? LookupAttributes { get; set; }
    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public string? EventCategory { get; set; }
    public int? MaxResults { get; set; }
    public string? NextToken { get; set; }
}

public sealed class LookupAttributeEntry
{
    public string? AttributeKey { get; set; }
    public string? AttributeValue { get; set; }
}

public sealed class LookupEventsResponse
{
    public List<CloudTrailEventEntry> Events { get; set; } = [];
    public string? NextToken { get; set; }
}

public sealed class CloudTrailEventEntry
{
    public string? EventId { get; set; }
    public string? EventName { get; set; }

    /// <summary>"true" or "false": CloudTrail sends a string here.</summary>
    public string? ReadOnly { get; set; }
    public string? AccessKeyId { get; set; }
    public DateTimeOffset? EventTime { get; set; }
    public string? EventSource { get; set; }
    public string? Username { get; set; }
    public List<CloudTrailResourceEntry>? Resources { get; set; }
    public string? CloudTrailEvent { get; set; }
}

public sealed class CloudTrailResourceEntry
{
    public string? ResourceType { get; set; }
    public string? ResourceName { get; set; }
}

public sealed class GetKeyLastUsageResponse
{
    public string? KeyId { get; set; }
    public KeyLastUsageEntry? KeyLastUsage { get; set; }
    public DateTimeOffset? TrackingStartDate { get; set; }
    public DateTimeOffset? KeyCreationDate { get; set; }
}

public sealed class KeyLastUsageEntry
{
    public string? Operation { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public string? CloudTrailEventId { get; set; }
    public string? KmsRequestId { get; set; }
}
