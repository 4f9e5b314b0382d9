using System.Buffers;
using System.Text.Json;
using Trent.Domain.Audit;
using Trent.Domain.Auth;

namespace Trent.Audit.Journal;

/// <summary>
/// An <see cref="AuditEvent"/> as one intent-journal line and back: every field the record is made from, so
/// that a recovered intent becomes the same CloudTrail record the request would have had (minus its outcome).
/// </summary>
internal static class JournalEventCodec
{
    public static byte[] Encode(long ticket, AuditEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write("I "u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("ticket", ticket);
            w.WriteNumber("time", e.EventTime.ToUnixTimeMilliseconds());
            w.WriteString("source", e.EventSource);
            w.WriteString("name", e.EventName);
            w.WriteString("region", e.Region);
            w.WriteString("requestId", e.RequestId);
            w.WriteString("eventId", e.EventId);
            w.WriteBoolean("readOnly", e.ReadOnly);
            w.WriteBoolean("serviceEvent", e.ServiceEvent);
            w.WriteString("ip", e.SourceIpAddress);
            // Bounded as the record bounds it; a recovered record of an oversized agent keeps the prefix only.
            w.WriteString("userAgent", e.UserAgent is { } agent && AuditBounds.IsOver(agent, AuditBounds.MaxUserAgentBytes)
                ? AuditBounds.Prefix(agent, AuditBounds.MaxUserAgentBytes)
                : e.UserAgent);
            w.WriteString("claimedAccessKeyId", e.ClaimedAccessKeyId);
            w.WriteString("recipient", e.RecipientAccountId);
            if (e.Principal is { } p)
            {
                w.WriteStartObject("principal");
                w.WriteString("type", p.Type.ToString());
                w.WriteString("account", p.AccountId);
                w.WriteString("arn", p.Arn);
                w.WriteString("id", p.PrincipalId);
                w.WriteString("accessKeyId", p.AccessKeyId);
                w.WriteEndObject();
            }

            w.WriteStartArray("resources");
            foreach (var arn in e.Resources)
            {
                w.WriteStringValue(arn);
            }

            w.WriteEndArray();
            if (e.RequestParameters is { Length: > 0 } parameters)
            {
                w.WritePropertyName("parameters");
                w.WriteRawValue(parameters.Span, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeDone(long ticket) => System.Text.Encoding.ASCII.GetBytes($"D {ticket}\n");

    /// <summary>Reads one line; false for a line this version does not know (skipped, never fatal).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> line, out long ticket, out AuditEvent? intent)
    {
        ticket = 0;
        intent = null;
        if (line.StartsWith("D "u8))
        {
            return System.Buffers.Text.Utf8Parser.TryParse(line[2..], out ticket, out _);
        }

        if (!line.StartsWith("I "u8))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line[2..].ToArray());
            var r = document.RootElement;
            ticket = r.GetProperty("ticket").GetInt64();
            intent = new AuditEvent
            {
                EventTime = DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("time").GetInt64()),
                EventSource = r.GetProperty("source").GetString()!,
                EventName = r.GetProperty("name").GetString()!,
                Region = r.GetProperty("region").GetString()!,
                RequestId = r.GetProperty("requestId").GetString()!,
                EventId = r.GetProperty("eventId").GetString()!,
                ReadOnly = r.GetProperty("readOnly").GetBoolean(),
                ServiceEvent = r.TryGetProperty("serviceEvent", out var service) && service.GetBoolean(),
                SourceIpAddress = r.GetProperty("ip").GetString(),
                UserAgent = r.GetProperty("userAgent").GetString(),
                ClaimedAccessKeyId = r.GetProperty("claimedAccessKeyId").GetString(),
                RecipientAccountId = r.GetProperty("recipient").GetString()!,
                Principal = r.TryGetProperty("principal", out var p) ? DecodePrincipal(p) : null,
                Resources = [.. r.GetProperty("resources").EnumerateArray().Select(a => a.GetString()!)],
                RequestParameters = r.TryGetProperty("parameters", out var parameters)
                    ? System.Text.Encoding.UTF8.GetBytes(parameters.GetRawText())
                    : null,
                OutcomeUnknown = true,
            };
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static Principal DecodePrincipal(JsonElement p) => new(
        Enum.Parse<PrincipalType>(p.GetProperty("type").GetString()!),
        p.GetProperty("account").GetString()!,
        p.GetProperty("arn").GetString()!,
        p.GetProperty("id").GetString()!,
        p.GetProperty("accessKeyId").GetString());
}
