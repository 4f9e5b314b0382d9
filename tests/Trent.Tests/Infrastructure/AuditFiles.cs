using System.Text.Json;

namespace Trent.Tests.Infrastructure;

/// <summary>Reads the audit trail a server left in its data directory.</summary>
public static class AuditFiles
{
    public static List<JsonElement> ReadAll(string dataDirectory)
    {
        var records = new List<JsonElement>();
        var directory = Path.Combine(dataDirectory, "audit");
        if (!Directory.Exists(directory))
        {
            return records;
        }

        foreach (var file in Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
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
                records.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }
}
