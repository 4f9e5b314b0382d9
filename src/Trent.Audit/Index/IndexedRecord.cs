using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Trent.Audit.Index;

/// <summary>The fields of one CloudTrail record that lookups filter on, read from its JSON.</summary>
internal sealed record IndexedRecord(
    string EventId,
    long EventTimeMilliseconds,
    string AccountId,
    string EventName,
    string EventSource,
    string? Username,
    string? AccessKeyId,
    bool ReadOnly,
    bool Succeeded,
    string? RequestId,
    IReadOnlyList<(string Type, string Arn)> Resources,
    string Json)
{
    /// <summary>The operations GetKeyLastUsage reports (KMS's KeyLastUsageTrackingOperation).</summary>
    public static readonly FrozenSet<string> TrackedOperations = new[]
    {
        "Decrypt", "DeriveSharedSecret", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext", "GenerateMac", "ReEncrypt", "Sign", "Verify", "VerifyMac",
    }.ToFrozenSet(StringComparer.Ordinal);

    public bool TracksKeyUsage => Succeeded && TrackedOperations.Contains(EventName) && EventSource == "kms.amazonaws.com";

    public static IndexedRecord? From(JsonElement record)
    {
        if (Text(record, "eventID") is not { } eventId
            || Text(record, "eventTime") is not { } time
            || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var eventTime))
        {
            return null;
        }

        var identity = record.TryGetProperty("userIdentity", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
        var resources = new List<(string, string)>();
        if (record.TryGetProperty("resources", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var resource in list.EnumerateArray())
            {
                if (Text(resource, "ARN") is { } arn)
                {
                    resources.Add((Text(resource, "type") ?? "AWS::KMS::Key", arn));
                }
            }
        }

        return new IndexedRecord(
            eventId,
            eventTime.ToUnixTimeMilliseconds(),
            Text(record, "recipientAccountId") ?? string.Empty,
            Text(record, "eventName") ?? "Unknown",
            Text(record, "eventSource") ?? string.Empty,
            identity.ValueKind == JsonValueKind.Object ? UsernameOf(identity) : null,
            identity.ValueKind == JsonValueKind.Object ? Text(identity, "accessKeyId") : null,
            record.TryGetProperty("readOnly", out var r) && r.ValueKind == JsonValueKind.True,
            Text(record, "errorCode") is null,
            Text(record, "requestID"),
            resources,
            record.GetRawText());
    }

    /// <summary>CloudTrail's user name: "root" for the account, the user's name, or an assumed role's session name.</summary>
    private static string? UsernameOf(JsonElement identity)
    {
        var type = Text(identity, "type");
        if (type == "Root")
        {
            return "root";
        }

        if (Text(identity, "userName") is { } userName)
        {
            return userName;
        }

        if (Text(identity, "arn") is { } arn && (type is "IAMUser" or "AssumedRole"))
        {
            return arn[(arn.LastIndexOf('/') + 1)..];
        }

        return Text(identity, "principalId");
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
