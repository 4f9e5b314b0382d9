using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson.Operations;

/// <summary>CloudTrail's LookupEvents over this server's audit trail (the caller's account only).</summary>
internal sealed class LookupEventsOperation(AuditLookupService lookup) : KmsOperation<LookupEventsRequest, LookupEventsResponse>
{
    public const string CloudTrailTargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    private const int DefaultMaxResults = 50;

    public override string Name => "LookupEvents";

    public override bool ReadOnly => true;

    public override string Target => CloudTrailTargetPrefix + Name;

    private protected override JsonTypeInfo<LookupEventsRequest> RequestType => AuditJsonContext.Default.LookupEventsRequest;

    private protected override JsonTypeInfo<LookupEventsResponse> ResponseType => AuditJsonContext.Default.LookupEventsResponse;

    protected override async Task<LookupEventsResponse> ExecuteAsync(RequestContext context, LookupEventsRequest request, CancellationToken cancellationToken)
    {
        var (attribute, value) = Attribute(request.LookupAttributes);
        if (request.MaxResults is < 1 or > 50)
        {
            throw Error("InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
        }

        if (request.EventCategory is not null && request.EventCategory != "insight")
        {
            throw Error("InvalidEventCategoryException", $"EventCategory '{request.EventCategory}' is not valid; the only category is insight.");
        }

        var start = request.StartTime ?? DateTimeOffset.UnixEpoch;
        var end = request.EndTime ?? DateTimeOffset.MaxValue;
        if (start > end)
        {
            throw Error("InvalidTimeRangeException", "The start time must not be after the end time.");
        }

        if (request.EventCategory == "insight")
        {
            return new LookupEventsResponse(); // this server records no Insights events
        }

        var fingerprint = QueryFingerprint(attribute, value, request.StartTime, request.EndTime);
        var after = request.NextToken is null ? null : DecodeToken(request.NextToken, fingerprint);
        var page = await lookup.LookupAsync(
            context,
            new AuditLookupQuery(context.Caller.AccountId, attribute, value, start, end, request.MaxResults ?? DefaultMaxResults, after),
            cancellationToken).ConfigureAwait(false);
        return new LookupEventsResponse
        {
            Events = [.. page.Events.Select(e => new CloudTrailEventEntry
            {
                EventId = e.EventId,
                EventName = e.EventName,
                ReadOnly = e.ReadOnly ? "true" : "false",
                AccessKeyId = e.AccessKeyId,
                EventTime = e.EventTime,
                EventSource = e.EventSource,
                Username = e.Username,
                Resources = [.. e.Resources.Select(r => new CloudTrailResourceEntry { ResourceType = r.Type, ResourceName = r.Name })],
                CloudTrailEvent = e.CloudTrailEvent,
            })],
            NextToken = page.Next is { } next ? EncodeToken(next, fingerprint) : null,
        };
    }

    private static (LookupAttribute?, string?) Attribute(List<LookupAttributeEntry>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return (null, null);
        }

        if (attributes.Count > 1)
        {
            throw Error("InvalidLookupAttributesException", "You can specify only one lookup attribute.");
        }

        // A null entry ("LookupAttributes":[null]) is a client's mistake like a missing key, not a server fault.
        var entry = attributes[0] ?? new LookupAttributeEntry();
        if (entry.AttributeKey is null || !Enum.TryParse<LookupAttribute>(entry.AttributeKey, ignoreCase: false, out var key) || !Enum.IsDefined(key))
        {
            throw Error("InvalidLookupAttributesException",
                $"AttributeKey '{entry.AttributeKey}' is not valid; use one of {string.Join(", ", Enum.GetNames<LookupAttribute>())}.");
        }

        if (entry.AttributeValue is null || entry.AttributeValue.Length is < 1 or > 2000)
        {
            throw Error("InvalidLookupAttributesException", "AttributeValue must be 1 to 2000 characters long.");
        }

        if (key == LookupAttribute.ReadOnly && entry.AttributeValue is not ("true" or "false"))
        {
            throw Error("InvalidLookupAttributesException", "The value of the ReadOnly attribute must be true or false.");
        }

        return (key, entry.AttributeValue);
    }

    /// <summary>A token is only good for the query that produced it, as CloudTrail's are.</summary>
    private static string QueryFingerprint(LookupAttribute? attribute, string? value, DateTimeOffset? start, DateTimeOffset? end) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{attribute}\n{value}\n{start?.ToUnixTimeMilliseconds()}\n{end?.ToUnixTimeMilliseconds()}")))[..16];

    private static string EncodeToken(AuditLookupCursor cursor, string fingerprint) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"1:{cursor.EventTimeMilliseconds}:{cursor.Sequence}:{fingerprint}")));

    private static AuditLookupCursor DecodeToken(string token, string fingerprint)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts.Length == 4 && parts[0] == "1" && parts[3] == fingerprint
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var time)
                && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence))
            {
                return new AuditLookupCursor(time, sequence);
            }
        }
        catch (FormatException)
        {
        }

        throw Error("InvalidNextTokenException", "The NextToken is not valid, or was issued for a different query.");
    }

    private static AwsProtocolException Error(string type, string message) => new(new AwsError(type, 400, message));
}

/// <summary>GetKeyLastUsage: the newest successful cryptographic use of a key, from the audit index.</summary>
internal sealed class GetKeyLastUsageOperation(KeyUsageService usage) : KmsOperation<KeyIdRequest, GetKeyLastUsageResponse>
{
    public override string Name => "GetKeyLastUsage";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<KeyIdRequest> RequestType => AuditJsonContext.Default.KeyIdRequest;

    private protected override JsonTypeInfo<GetKeyLastUsageResponse> ResponseType => AuditJsonContext.Default.GetKeyLastUsageResponse;

    protected override void Validate(KeyIdRequest request, ValidationErrors errors) => errors.KeyId(request.KeyId, "keyId");

    protected override async Task<GetKeyLastUsageResponse> ExecuteAsync(RequestContext context, KeyIdRequest request, CancellationToken cancellationToken)
    {
        var report = await usage.GetKeyLastUsageAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false);
        return new GetKeyLastUsageResponse
        {
            // Documented like KeyMetadata.KeyId: the bare key ID.
            KeyId = report.Key.KeyId,
            KeyLastUsage = report.LastUsage is { } last
                ? new KeyLastUsageEntry
                {
                    Operation = last.Operation,
                    Timestamp = last.Timestamp,
                    CloudTrailEventId = last.CloudTrailEventId,
                    KmsRequestId = last.KmsRequestId,
                }
                : null,
            TrackingStartDate = report.TrackingStartDate,
            KeyCreationDate = report.Key.CreationDate,
        };
    }
}
