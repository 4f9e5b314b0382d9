using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Trent.Audit.Integrity;

namespace Trent.Audit.Files;

/// <summary>
/// Turns a closed segment (JSON lines) into a CloudTrail-style log file: gzip of <c>{"Records":[...]}</c>,
/// after checking the segment's hash chain (<see cref="AuditChain"/>): content the server did not write is
/// refused (<see cref="AuditChainBrokenException"/>), never sealed. The compressed file is written under a
/// temporary name, synced, renamed and the directory synced before the segment is removed, so at every
/// instant one complete copy of the records exists.
/// </summary>
public static class LogFileSealer
{
    /// <param name="expectedHead">For a segment this run wrote: the head the writer knows it ended at, so that a
    /// truncated or extended segment is refused too. Null after a crash: records after the last chain line
    /// were never acknowledged and are left out.</param>
    public static SealedLogFile Seal(string activePath, AuditChain chain, byte[]? expectedHead)
    {
        var sealedPath = Path.Combine(Path.GetDirectoryName(activePath)!, AuditFileNames.SealedLog(Path.GetFileName(activePath)));
        var content = File.ReadAllBytes(activePath);
        var (start, head, end) = CheckChain(activePath, content, chain);
        if (expectedHead is not null && (end != content.Length || !CryptographicOperations.FixedTimeEquals(head, expectedHead)))
        {
            throw new AuditChainBrokenException(activePath, "it does not end where the server's last write to it ended (truncated or extended)");
        }

        DateTimeOffset? oldest = null, newest = null;
        var records = 0;
        using var recordsHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        FileSync.WriteAtomically(sealedPath, stream =>
        {
            using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write("{\"Records\":["u8);
            foreach (var memory in SplitLines(content, end))
            {
                var line = memory.Span;
                if (AuditChain.ParseLine(line, out _) is not null)
                {
                    continue;
                }

                if (records++ > 0)
                {
                    gzip.Write(","u8);
                }

                gzip.Write(line);
                recordsHash.AppendData(line);
                recordsHash.AppendData("\n"u8);
                if (EventTime(line) is { } time)
                {
                    oldest = oldest is null || time < oldest ? time : oldest;
                    newest = newest is null || time > newest ? time : newest;
                }
            }

            var mac = chain.SealMac(start, head, recordsHash.GetHashAndReset());
            gzip.Write(Encoding.ASCII.GetBytes(
                $"],\"trentChain\":{{\"start\":\"{Hex(start)}\",\"head\":\"{Hex(head)}\",\"mac\":\"{Hex(mac)}\"}}}}"));
        });

        var hash = Hash(sealedPath);
        File.Delete(activePath);
        FileSync.SyncDirectory(Path.GetDirectoryName(activePath)!);
        return new SealedLogFile(sealedPath, hash, oldest, newest, records, Hex(start), Hex(head));
    }

    /// <summary>Summarises a sealed file already on disk (one sealed by an earlier run), checking its chain MAC.</summary>
    /// <exception cref="AuditChainBrokenException">The file is not one this trail sealed, or was changed.</exception>
    public static SealedLogFile Describe(string sealedPath, AuditChain chain)
    {
        DateTimeOffset? oldest = null, newest = null;
        var records = 0;
        byte[] start, head, mac;
        using var recordsHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            using var file = File.OpenRead(sealedPath);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var document = JsonDocument.Parse(gzip);
            foreach (var record in document.RootElement.GetProperty("Records").EnumerateArray())
            {
                records++;
                recordsHash.AppendData(JsonMarshal.GetRawUtf8Value(record));
                recordsHash.AppendData("\n"u8);
                if (record.TryGetProperty("eventTime", out var t) && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    oldest = oldest is null || time < oldest ? time : oldest;
                    newest = newest is null || time > newest ? time : newest;
                }
            }

            var trailer = document.RootElement.GetProperty("trentChain");
            start = Convert.FromHexString(trailer.GetProperty("start").GetString()!);
            head = Convert.FromHexString(trailer.GetProperty("head").GetString()!);
            mac = Convert.FromHexString(trailer.GetProperty("mac").GetString()!);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentNullException)
        {
            throw new AuditChainBrokenException(sealedPath, $"it is not a log file sealed by this trail ({e.Message})");
        }

        if (!CryptographicOperations.FixedTimeEquals(chain.SealMac(start, head, recordsHash.GetHashAndReset()), mac))
        {
            throw new AuditChainBrokenException(sealedPath, "its records do not match the MAC the server sealed it with");
        }

        return new SealedLogFile(sealedPath, Hash(sealedPath), oldest, newest, records, Hex(start), Hex(head));
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

    /// <summary>
    /// Recomputes the chain over the segment: it must open with a start line, and every chain line must be the
    /// MAC of the head before it and the records since. Returns the start, the last head and the offset just
    /// after the last chain line (records after it were never acknowledged).
    /// </summary>
    private static (byte[] Start, byte[] Head, int End) CheckChain(string path, byte[] content, AuditChain chain)
    {
        using var mac = chain.CreateMac();
        byte[]? start = null;
        var head = Array.Empty<byte>();
        var end = 0;
        var offset = 0;
        foreach (var memory in SplitLines(content, content.Length))
        {
            var line = memory.Span;
            offset += line.Length + 1;
            var value = AuditChain.ParseLine(line, out var isStart);
            if (start is null)
            {
                if (!isStart || value is not { Length: AuditChain.Size })
                {
                    throw new AuditChainBrokenException(path, "it does not begin with the chain's start line");
                }

                start = head = value;
                mac.AppendData(head);
                end = offset;
                continue;
            }

            if (value is null)
            {
                mac.AppendData(line);
                mac.AppendData("\n"u8);
                continue;
            }

            var computed = mac.GetHashAndReset();
            if (isStart || !CryptographicOperations.FixedTimeEquals(computed, value))
            {
                throw new AuditChainBrokenException(path, string.Create(CultureInfo.InvariantCulture, $"the records before byte {offset} do not match their chain line"));
            }

            head = value;
            mac.AppendData(head);
            end = offset;
        }

        return start is null ? throw new AuditChainBrokenException(path, "it is empty") : (start, head, Math.Min(end, content.Length));
    }

    /// <summary>The lines of a segment, up to its first NUL (a preallocated tail).</summary>
    private static List<ReadOnlyMemory<byte>> SplitLines(byte[] content, int length)
    {
        var lines = new List<ReadOnlyMemory<byte>>();
        var position = 0;
        while (position < length && content[position] != 0)
        {
            var end = Array.IndexOf(content, (byte)'\n', position, length - position);
            var stop = end < 0 ? length : end;
            lines.Add(content.AsMemory(position, stop - position));
            position = stop + 1;
        }

        return lines;
    }

    private static string Hex(byte[] value) => Convert.ToHexStringLower(value);

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
