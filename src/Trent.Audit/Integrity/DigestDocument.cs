using System.Text.Json;

namespace Trent.Audit.Integrity;

/// <summary>One digest file's content (CloudTrail's digest fields, with file names in place of S3 locations).</summary>
public sealed record DigestDocument
{
    public required string Node { get; init; }
    public required DateTimeOffset DigestStartTime { get; init; }
    public required DateTimeOffset DigestEndTime { get; init; }
    public required string DigestFile { get; init; }
    public DateTimeOffset? OldestEventTime { get; init; }
    public DateTimeOffset? NewestEventTime { get; init; }
    public string? PreviousDigestFile { get; init; }
    public string? PreviousDigestHashValue { get; init; }
    public string? PreviousDigestSignature { get; init; }
    public required string DigestPublicKeyFingerprint { get; init; }

    /// <summary>The last log file (by name) covered by this digest or an earlier one of the chain.</summary>
    public string? LogFilesThrough { get; init; }

    /// <summary>Hex head of the log chain after the last file covered (see <see cref="AuditChain"/>).</summary>
    public string? ChainHead { get; init; }

    /// <summary>The name of the first digest of this node's chain: a verifier must find the chain starting there.</summary>
    public string? TrailStart { get; init; }

    public IReadOnlyList<DigestLogFile> LogFiles { get; init; } = [];

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("node", Node);
            w.WriteString("digestStartTime", DigestFormat.Time(DigestStartTime));
            w.WriteString("digestEndTime", DigestFormat.Time(DigestEndTime));
            w.WriteString("digestFile", DigestFile);
            WriteTime(w, "newestEventTime", NewestEventTime);
            WriteTime(w, "oldestEventTime", OldestEventTime);
            w.WriteString("previousDigestFile", PreviousDigestFile);
            w.WriteString("previousDigestHashValue", PreviousDigestHashValue);
            w.WriteString("previousDigestHashAlgorithm", PreviousDigestFile is null ? null : DigestFormat.HashAlgorithm);
            w.WriteString("previousDigestSignature", PreviousDigestSignature);
            w.WriteString("digestPublicKeyFingerprint", DigestPublicKeyFingerprint);
            w.WriteString("digestSignatureAlgorithm", AuditSigningKey.SignatureAlgorithm);
            w.WriteString("logFilesThrough", LogFilesThrough);
            w.WriteString("chainHead", ChainHead);
            w.WriteString("trailStart", TrailStart);
            w.WriteStartArray("logFiles");
            foreach (var file in LogFiles)
            {
                w.WriteStartObject();
                w.WriteString("file", file.File);
                w.WriteString("hashValue", file.HashValue);
                w.WriteString("hashAlgorithm", DigestFormat.HashAlgorithm);
                WriteTime(w, "newestEventTime", file.NewestEventTime);
                WriteTime(w, "oldestEventTime", file.OldestEventTime);
                w.WriteNumber("records", file.Records);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <exception cref="JsonException">The bytes are not a digest document.</exception>
    public static DigestDocument Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new DigestDocument
            {
                Node = root.GetProperty("node").GetString()!,
                DigestStartTime = DigestFormat.ParseTime(root.GetProperty("digestStartTime").GetString()!),
                DigestEndTime = DigestFormat.ParseTime(root.GetProperty("digestEndTime").GetString()!),
                DigestFile = root.GetProperty("digestFile").GetString()!,
                OldestEventTime = Time(root, "oldestEventTime"),
                NewestEventTime = Time(root, "newestEventTime"),
                PreviousDigestFile = root.GetProperty("previousDigestFile").GetString(),
                PreviousDigestHashValue = root.GetProperty("previousDigestHashValue").GetString(),
                PreviousDigestSignature = root.GetProperty("previousDigestSignature").GetString(),
                DigestPublicKeyFingerprint = root.GetProperty("digestPublicKeyFingerprint").GetString()!,
                LogFilesThrough = root.GetProperty("logFilesThrough").GetString(),
                ChainHead = root.TryGetProperty("chainHead", out var head) ? head.GetString() : null,
                TrailStart = root.TryGetProperty("trailStart", out var trailStart) ? trailStart.GetString() : null,
                LogFiles = [.. root.GetProperty("logFiles").EnumerateArray().Select(f => new DigestLogFile(
                    f.GetProperty("file").GetString()!,
                    f.GetProperty("hashValue").GetString()!,
                    Time(f, "oldestEventTime"),
                    Time(f, "newestEventTime"),
                    f.GetProperty("records").GetInt32()))],
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentNullException)
        {
            throw new JsonException("The file is not a digest document.", e);
        }
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            w.WriteString(name, DigestFormat.Time(value));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? DigestFormat.ParseTime(value.GetString()!) : null;
}

public sealed record DigestLogFile(string File, string HashValue, DateTimeOffset? OldestEventTime, DateTimeOffset? NewestEventTime, int Records);
