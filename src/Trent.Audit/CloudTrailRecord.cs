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

    public static byte[] ToJsonLine(AuditEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("eventVersion", EventVersion);
            WriteUserIdentity(w, e);
            w.WriteString("eventTime", e.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("eventSource", e.EventSource);
            w.WriteString("eventName", e.EventName);
            w.WriteString("awsRegion", e.Region);
            w.WriteString("sourceIPAddress", e.ServiceEvent ? ServiceHost : e.SourceIpAddress);
            w.WriteString("userAgent", e.ServiceEvent ? ServiceHost : e.UserAgent);
            if (e.ErrorCode is not null)
            {
                w.WriteString("errorCode", e.ErrorCode);
                w.WriteString("errorMessage", e.ErrorMessage);
            }

            WriteRaw(w, "requestParameters", e.RequestParameters);
            if (e.OutcomeUnknown)
            {
                // CloudTrail's place for service-specific detail; consumers that do not know it ignore it.
                w.WriteStartObject("additionalEventData");
                w.WriteString("trentOutcome", "Unknown");
                w.WriteString("reason", "The server stopped before this request's outcome was recorded; its effect may or may not have been committed.");
                w.WriteEndObject();
            }

            WriteRaw(w, "responseElements", e.ResponseElements);
            w.WriteString("requestID", e.RequestId);
            w.WriteString("eventID", e.EventId);
            w.WriteBoolean("readOnly", e.ReadOnly);
            w.WriteStartArray("resources");
            foreach (var arn in e.Resources)
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

    public static string ResourceType(string arn) => arn.Contains(":alias/", StringComparison.Ordinal) ? "AWS::KMS::Alias" : "AWS::KMS::Key";

    private static void WriteUserIdentity(Utf8JsonWriter w, AuditEvent e)
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
                w.WriteString("accessKeyId", p.AccessKeyId);
            }
        }
        else
        {
            // Unauthenticated: say which access key was claimed, but attribute nothing to it.
            w.WriteString("type", "Unknown");
            if (e.ClaimedAccessKeyId is not null)
            {
                w.WriteString("accessKeyId", e.ClaimedAccessKeyId);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteRaw(Utf8JsonWriter w, string name, ReadOnlyMemory<byte>? json)
    {
        if (json is { Length: > 0 } value)
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
