using System.Text.Json;
using Trent.Audit.Files;

namespace Trent.Tests.Infrastructure;

/// <summary>Reads the audit trail a server left in its data directory: sealed .json.gz files and segments being written.</summary>
public static class AuditFiles
{
    public static List<JsonElement> ReadAll(string dataDirectory)
    {
        // A segment may be sealed (renamed to .json.gz, then removed) while it is read: read again if so, and
        // also when the listing changed meanwhile (a segment listed before its sealed copy appeared is skipped
        // as sealed, while the sealed copy was not listed: its records would be missed).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var before = List(dataDirectory);
                var records = TryReadAll(dataDirectory);
                if (before.SequenceEqual(List(dataDirectory), StringComparer.Ordinal) || attempt >= 50)
                {
                    return records;
                }
            }
            catch (FileNotFoundException) when (attempt < 50)
            {
            }

            Thread.Sleep(50);
        }
    }

    private static string[] List(string dataDirectory)
    {
        var directory = Path.Combine(dataDirectory, "audit");
        return Directory.Exists(directory) ? [.. Directory.GetFiles(directory, "trent-audit_*").Order(StringComparer.Ordinal)] : [];
    }

    private static List<JsonElement> TryReadAll(string dataDirectory)
    {
        var records = new List<JsonElement>();
        var directory = Path.Combine(dataDirectory, "audit");
        if (!Directory.Exists(directory))
        {
            return records;
        }

        foreach (var file in Directory.GetFiles(directory, "trent-audit_*").Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(AuditFileNames.SealedExtension, StringComparison.Ordinal))
            {
                records.AddRange(LogFileSealer.ReadRecords(file).Select(r => r.Clone()));
                continue;
            }

            if (!File.Exists(Path.Combine(directory, AuditFileNames.SealedLog(Path.GetFileName(file)))))
            {
                records.AddRange(ReadLines(file));
            }
        }

        return records;
    }

    /// <summary>The raw text of every audit file, decompressed: what a redaction scan searches.</summary>
    public static string ReadAllText(string dataDirectory) =>
        string.Join("\n", ReadAll(dataDirectory).Select(r => r.GetRawText()));

    private static IEnumerable<JsonElement> ReadLines(string file)
    {
        byte[] bytes;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }

        // A segment being written is preallocated with zeros: its content ends at the first NUL.
        var end = Array.IndexOf(bytes, (byte)0);
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("{\"trentChain", StringComparison.Ordinal))
            {
                continue; // the hash chain's lines, not records
            }

            yield return JsonDocument.Parse(line).RootElement.Clone();
        }
    }
}
