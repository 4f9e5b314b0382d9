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
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0)
                {
                    records.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
        }

        return records;
    }
}
