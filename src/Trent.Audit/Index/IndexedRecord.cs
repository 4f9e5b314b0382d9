using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Trent.Audit.Index;

/// <summary>The fields of one CloudTrail record that lookups filter on, read from its JSON.</summary>
internal sealed record IndexedRecord(
    string EventId,
    long EventTimeMilliseconds,
    string AccountId,
    string Region,
    string EventName,
    string EventSource,
    string? Username,
    string? AccessKeyId,
    bool ReadOnly,
    bool Succeeded,
    string? RequestId,
    IReadOnlyList<(string Type, string Arn)> Resources,
    byte[] Json)
{
    /// <summary>The operations GetKeyLastUsage reports (KMS's KeyLastUsageTrackingOperation).</summary>
    public static readonly FrozenSet<string> TrackedOperations = new[]
    {
        "Decrypt", "DeriveSharedSecret", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext", "GenerateMac", "ReEncrypt", "Sign", "Verify", "VerifyMac",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>When the event happened to the millisecond, where known (a live record; a record read back from a
    /// file has whole seconds): orders two nodes' uses of a key within one second for GetKeyLastUsage.</summary>
    public long PreciseMilliseconds { get; init; }

    public bool TracksKeyUsage => Succeeded && TrackedOperations.Contains(EventName) && EventSource == "kms.amazonaws.com";

    /// <summary>From the event as the log writer had it: no JSON to parse on the way.</summary>
    public static IndexedRecord From(DurableRecord durable)
    {
        var e = durable.Event;
        var resources = new (string, string)[e.Resources.Count];
        for (var i = 0; i < resources.Length; i++)
        {
            resources[i] = (CloudTrailRecord.ResourceType(e.Resources[i]), e.Resources[i]);
        }

        return new IndexedRecord(
            e.EventId,
            e.EventTime.ToUnixTimeMilliseconds() / 1000 * 1000, // the record's eventTime has whole seconds
            e.RecipientAccountId,
            e.Region,
            e.EventName,
            e.EventSource,
            // As the JSON path reads the record back: the owner's copy names the caller as an AWSAccount only.
            e.IsResourceOwnerCopy ? e.Principal!.PrincipalId
                : e.Principal is { } p ? UsernameOf(p.Type.ToString(), null, p.Arn, p.PrincipalId) : null,
            e.IsResourceOwnerCopy ? null : e.Principal?.AccessKeyId ?? e.ClaimedAccessKeyId,
            e.ReadOnly,
            e.ErrorCode is null,
            e.RequestId,
            resources,
            durable.Line)
        {
            PreciseMilliseconds = e.EventTime.ToUnixTimeMilliseconds(),
        };
    }

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
            Text(record, "awsRegion") ?? string.Empty,
            Text(record, "eventName") ?? "Unknown",
            Text(record, "eventSource") ?? string.Empty,
            identity.ValueKind == JsonValueKind.Object
                ? UsernameOf(Text(identity, "type"), Text(identity, "userName"), Text(identity, "arn"), Text(identity, "principalId"))
                : null,
            identity.ValueKind == JsonValueKind.Object ? Text(identity, "accessKeyId") : null,
            record.TryGetProperty("readOnly", out var r) && r.ValueKind == JsonValueKind.True,
            Text(record, "errorCode") is null,
            Text(record, "requestID"),
            resources,
            System.Text.Encoding.UTF8.GetBytes(record.GetRawText()));
    }

    /// <summary>CloudTrail's user name: "root" for the account, the user's name, or an assumed role's session name.</summary>
    private static string? UsernameOf(string? type, string? userName, string? arn, string? principalId) => type switch
    {
        "Root" => "root",
        _ when userName is not null => userName,
        "IAMUser" or "AssumedRole" when arn is not null => arn[(arn.LastIndexOf('/') + 1)..],
        _ => principalId,
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
