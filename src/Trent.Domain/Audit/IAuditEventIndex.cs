namespace Trent.Domain.Audit;

/// <summary>
/// The searchable view of the committed audit trail (CloudTrail LookupEvents) and the key usage it records
/// (GetKeyLastUsage). Fed off the request path, so it may lag the trail by moments.
/// </summary>
public interface IAuditEventIndex
{
    /// <summary>When usage tracking began (the index was created).</summary>
    DateTimeOffset TrackingStartDate { get; }

    Task<AuditLookupPage> LookupAsync(AuditLookupQuery query, CancellationToken cancellationToken);

    Task<KeyLastUsage?> GetKeyLastUsageAsync(string keyArn, CancellationToken cancellationToken);
}

/// <summary>CloudTrail's lookup attributes.</summary>
public enum LookupAttribute
{
    EventId,
    EventName,
    ReadOnly,
    Username,
    ResourceType,
    ResourceName,
    EventSource,
    AccessKeyId,
}

/// <summary>Events of one account and Region, newest first, optionally matching one attribute, strictly after a cursor.</summary>
public sealed record AuditLookupQuery(
    string AccountId,
    LookupAttribute? Attribute,
    string? AttributeValue,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    int MaxResults,
    AuditLookupCursor? After)
{
    /// <summary>The Region whose events are looked up (the awsRegion of the records).</summary>
    public string Region { get; init; } = string.Empty;
}

/// <summary>Where a page ended: the last event's time and its position in the index.</summary>
public sealed record AuditLookupCursor(long EventTimeMilliseconds, long Sequence);

public sealed record AuditLookupPage(IReadOnlyList<AuditEventSummary> Events, AuditLookupCursor? Next);

public sealed record AuditEventSummary(
    string EventId,
    string EventName,
    bool ReadOnly,
    string? AccessKeyId,
    DateTimeOffset EventTime,
    string EventSource,
    string? Username,
    IReadOnlyList<AuditResource> Resources,
    string CloudTrailEvent);

public sealed record AuditResource(string Type, string Name);

/// <summary>The newest successful cryptographic use of a key.</summary>
public sealed record KeyLastUsage(string Operation, DateTimeOffset Timestamp, string CloudTrailEventId, string KmsRequestId);
