using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Trent.Domain.Audit;

namespace Trent.Audit;

/// <summary>Serializes an <see cref="AuditEvent"/> as one CloudTrail record (one JSON line).</summary>
public static class CloudTrailRecord
{
    public const string EventVersion = "1.11";

    /// <summary>Who CloudTrail names as the actor of a service event.</summary>
    private const string ServiceHost = "kms.amazonaws.com";

    /// <summary>No record is longer than this: past it, requestParameters and responseElements become markers.</summary>
    public const int MaxRecordBytes = 128 * 1024;

    private const int CompactResources = 16;

    public static byte[] ToJsonLine(AuditEvent e)
    {
        var line = Build(e, compact: false);
        return line.Length <= MaxRecordBytes ? line : Build(e, compact: true);
    }

    private static byte[] Build(AuditEvent e, bool compact)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        List<(string Name, string Value)>? truncated = null;
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("eventVersion", EventVersion);
            WriteUserIdentity(w, e, ref truncated);
            w.WriteString("eventTime", e.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            WriteBounded(w, "eventSource", e.EventSource, AuditBounds.MaxShortFieldBytes, ref truncated);
            WriteBounded(w, "eventName", e.EventName, AuditBounds.MaxShortFieldBytes, ref truncated);
            WriteBounded(w, "awsRegion", e.Region, AuditBounds.MaxShortFieldBytes, ref truncated);
            WriteBounded(w, "sourceIPAddress", e.ServiceEvent ? ServiceHost : e.SourceIpAddress, AuditBounds.MaxShortFieldBytes, ref truncated);
            WriteBounded(w, "userAgent", e.ServiceEvent ? ServiceHost : e.UserAgent, AuditBounds.MaxUserAgentBytes, ref truncated);
            if (e.ErrorCode is not null)
            {
                WriteBounded(w, "errorCode", e.ErrorCode, AuditBounds.MaxShortFieldBytes, ref truncated);
                WriteBounded(w, "errorMessage", e.ErrorMessage, AuditBounds.MaxErrorMessageBytes, ref truncated);
            }

            // A failed request's parameters are not needed in full to investigate it, and cost a client nothing to send.
            var parametersLimit = compact ? 0 : e.ErrorCode is null ? AuditBounds.MaxParametersBytes : AuditBounds.MaxFailedParametersBytes;
            WriteRaw(w, "requestParameters", e.RequestParameters, parametersLimit);
            WriteAdditionalEventData(w, e, truncated);
            WriteRaw(w, "responseElements", e.ResponseElements, compact ? 0 : AuditBounds.MaxParametersBytes);
            w.WriteString("requestID", e.RequestId);
            w.WriteString("eventID", e.EventId);
            w.WriteBoolean("readOnly", e.ReadOnly);
            w.WriteStartArray("resources");
            foreach (var arn in compact ? e.Resources.Take(CompactResources) : e.Resources)
            {
                w.WriteStartObject();
                w.WriteString("accountId", AccountOf(arn));
                w.WriteString("type", ResourceType(arn));
                w.WriteString("ARN", arn);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("eventType", e.ServiceEvent ? "AwsServiceEvent" : "AwsApiCall");
            w.WriteBoolean("managementEvent", true);
            w.WriteString("recipientAccountId", e.RecipientAccountId);
            if (e.SharedEventId is not null)
            {
                w.WriteString("sharedEventID", e.SharedEventId);
            }
            w.WriteString("eventCategory", "Management");
            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteAdditionalEventData(Utf8JsonWriter w, AuditEvent e, List<(string Name, string Value)>? truncated)
    {
        if (!e.OutcomeUnknown && truncated is null)
        {
            return;
        }

        // CloudTrail's place for service-specific detail; consumers that do not know it ignore it.
        w.WriteStartObject("additionalEventData");
        if (e.OutcomeUnknown)
        {
            w.WriteString("trentOutcome", "Unknown");
            w.WriteString("reason", "The server stopped before this request's outcome was recorded; its effect may or may not have been committed.");
        }

        if (truncated is not null)
        {
            // Which fields were cut to a prefix, with the full value's length and hash.
            w.WriteStartObject("trentTruncatedFields");
            foreach (var (name, value) in truncated)
            {
                w.WritePropertyName(name);
                AuditBounds.WriteString(w, value, 0);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>Writes a string field cut to <paramref name="maxBytes"/>; a cut is listed in additionalEventData.</summary>
    private static void WriteBounded(Utf8JsonWriter w, string name, string? value, int maxBytes, ref List<(string Name, string Value)>? truncated)
    {
        if (value is null || !AuditBounds.IsOver(value, maxBytes))
        {
            w.WriteString(name, value);
            return;
        }

        (truncated ??= []).Add((name, value));
        w.WriteString(name, AuditBounds.Prefix(value, maxBytes));
    }

    public static string ResourceType(string arn) => arn.Contains(":alias/", StringComparison.Ordinal) ? "AWS::KMS::Alias" : "AWS::KMS::Key";

    private static void WriteUserIdentity(Utf8JsonWriter w, AuditEvent e, ref List<(string Name, string Value)>? truncated)
    {
        w.WriteStartObject("userIdentity");
        if (e.ServiceEvent)
        {
            w.WriteString("accountId", e.RecipientAccountId);
            w.WriteString("invokedBy", ServiceHost);
        }
        else if (e.IsResourceOwnerCopy)
        {
            w.WriteString("type", "AWSAccount");
            w.WriteString("principalId", e.Principal!.PrincipalId);
            w.WriteString("accountId", e.Principal.AccountId);
        }
        else if (e.Principal is { } p)
        {
            w.WriteString("type", p.Type.ToString());
            w.WriteString("principalId", p.PrincipalId);
            w.WriteString("arn", p.Arn);
            w.WriteString("accountId", p.AccountId);
            if (p.AccessKeyId is not null)
            {
                WriteBounded(w, "accessKeyId", p.AccessKeyId, AuditBounds.MaxAccessKeyIdBytes, ref truncated);
            }
        }
        else
        {
            // Unauthenticated: say which access key was claimed, but attribute nothing to it.
            w.WriteString("type", "Unknown");
            if (e.ClaimedAccessKeyId is not null)
            {
                WriteBounded(w, "accessKeyId", e.ClaimedAccessKeyId, AuditBounds.MaxAccessKeyIdBytes, ref truncated);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteRaw(Utf8JsonWriter w, string name, ReadOnlyMemory<byte>? json, int maxBytes)
    {
        if (json is { Length: > 0 } over && over.Length > maxBytes)
        {
            w.WritePropertyName(name);
            AuditBounds.WriteMarker(w, over.Span);
        }
        else if (json is { Length: > 0 } value)
        {
            w.WritePropertyName(name);
            w.WriteRawValue(value.Span, skipInputValidation: true);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string? AccountOf(string arn)
    {
        var parts = arn.Split(':', 6);
        return parts.Length == 6 ? parts[4] : null;
    }
}
