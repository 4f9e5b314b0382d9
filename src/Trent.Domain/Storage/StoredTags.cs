using System.Text;
using System.Text.Json;
using Trent.Domain.Keys;

namespace Trent.Domain.Storage;

/// <summary>The one stored form of a tag list (a JSON array of <c>{"k","v"}</c>), the same in every store so
/// that data moves between stores unchanged.</summary>
public static class StoredTags
{
    public static string ToJson(IReadOnlyList<Tag> tags)
    {
        if (tags.Count == 0)
        {
            return "[]";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var tag in tags)
            {
                writer.WriteStartObject();
                writer.WriteString("k", tag.Key);
                writer.WriteString("v", tag.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyList<Tag> FromJson(string json)
    {
        if (json == "[]")
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var tags = new List<Tag>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            tags.Add(new Tag(element.GetProperty("k").GetString()!, element.GetProperty("v").GetString()!));
        }

        return tags;
    }
}
