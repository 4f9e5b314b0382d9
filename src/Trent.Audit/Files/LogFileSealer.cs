using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Trent.Audit.Files;

/// <summary>
/// Turns a closed segment (JSON lines) into a CloudTrail-style log file: gzip of <c>{"Records":[...]}</c>.
/// The compressed file is written under a temporary name, synced, renamed and the directory synced before
/// the segment is removed, so at every instant one complete copy of the records exists.
/// </summary>
public static class LogFileSealer
{
    public static SealedLogFile Seal(string activePath)
    {
        var sealedPath = Path.Combine(Path.GetDirectoryName(activePath)!, AuditFileNames.SealedLog(Path.GetFileName(activePath)));
        var content = File.ReadAllBytes(activePath);
        DateTimeOffset? oldest = null, newest = null;
        var records = 0;
        FileSync.WriteAtomically(sealedPath, stream =>
        {
            using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write("{\"Records\":["u8);
            var rest = content.AsSpan();
            while (rest.Length > 0)
            {
                var end = rest.IndexOf((byte)'\n');
                var line = end < 0 ? rest : rest[..end];
                rest = end < 0 ? [] : rest[(end + 1)..];
                if (line.IsEmpty || line[0] == 0)
                {
                    continue;
                }

                if (records++ > 0)
                {
                    gzip.Write(","u8);
                }

                gzip.Write(line);
                if (EventTime(line) is { } time)
                {
                    oldest = oldest is null || time < oldest ? time : oldest;
                    newest = newest is null || time > newest ? time : newest;
                }
            }

            gzip.Write("]}"u8);
        });

        var hash = Hash(sealedPath);
        File.Delete(activePath);
        FileSync.SyncDirectory(Path.GetDirectoryName(activePath)!);
        return new SealedLogFile(sealedPath, hash, oldest, newest, records);
    }

    /// <summary>Summarises a sealed file already on disk (one sealed by an earlier run of this node).</summary>
    public static SealedLogFile Describe(string sealedPath)
    {
        DateTimeOffset? oldest = null, newest = null;
        var records = 0;
        foreach (var record in ReadRecords(sealedPath))
        {
            records++;
            if (record.TryGetProperty("eventTime", out var t) && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                oldest = oldest is null || time < oldest ? time : oldest;
                newest = newest is null || time > newest ? time : newest;
            }
        }

        return new SealedLogFile(sealedPath, Hash(sealedPath), oldest, newest, records);
    }

    /// <summary>The records of a sealed log file, in order.</summary>
    public static IEnumerable<JsonElement> ReadRecords(string sealedPath)
    {
        using var file = File.OpenRead(sealedPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var document = JsonDocument.Parse(gzip);
        foreach (var record in document.RootElement.GetProperty("Records").EnumerateArray())
        {
            yield return record;
        }
    }

    public static string Hash(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>The top-level eventTime of one record line, without building a document.</summary>
    private static DateTimeOffset? EventTime(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTime = reader.ValueTextEquals("eventTime"u8);
            reader.Read();
            if (isTime && reader.TokenType == JsonTokenType.String)
            {
                return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
            }

            reader.Skip();
        }

        return null;
    }
}
