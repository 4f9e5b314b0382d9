using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Trent.Domain.Grants;
using Trent.Domain.Keys;

namespace Trent.Domain.Storage;

/// <summary>The stored forms of the small structured columns (key tags, IAM tags, grant operations and
/// constraints): one form for every store, so that data moves between stores unchanged.</summary>
public static class StoredJson
{
    /// <summary>Key tags: a JSON array of <c>{"k","v"}</c>, in the key's order.</summary>
    public static string TagsToJson(IReadOnlyList<Tag> tags)
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

    public static IReadOnlyList<Tag> TagsFromJson(string json)
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

    /// <summary>The tags of an IAM user or role: a JSON object.</summary>
    public static string IdentityTagsToJson(IReadOnlyDictionary<string, string> tags) =>
        JsonSerializer.Serialize(tags, StoredJsonContext.Default.IReadOnlyDictionaryStringString);

    public static Dictionary<string, string> IdentityTagsFromJson(string json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.DictionaryStringString) ?? [];

    /// <summary>A grant's operations: a JSON array of operation names.</summary>
    public static string OperationsToJson(IEnumerable<string> operations) =>
        JsonSerializer.Serialize(operations.ToArray(), StoredJsonContext.Default.StringArray);

    public static string[] OperationsFromJson(string json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.StringArray) ?? [];

    /// <summary>A grant's constraints: a JSON object of the two context maps and the source ARN.</summary>
    public static string ConstraintsToJson(GrantConstraints constraints) =>
        JsonSerializer.Serialize(
            new StoredConstraints
            {
                EqualsContext = constraints.EncryptionContextEquals is { } e ? new Dictionary<string, string>(e) : null,
                Subset = constraints.EncryptionContextSubset is { } s ? new Dictionary<string, string>(s) : null,
                SourceArn = constraints.SourceArn,
            },
            StoredJsonContext.Default.StoredConstraints);

    public static GrantConstraints? ConstraintsFromJson(string json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.StoredConstraints) is { } stored
            ? new GrantConstraints(stored.EqualsContext, stored.Subset, stored.SourceArn)
            : null;
}

/// <summary>The JSON column form of grant constraints.</summary>
internal sealed class StoredConstraints
{
    public Dictionary<string, string>? EqualsContext { get; set; }

    public Dictionary<string, string>? Subset { get; set; }

    public string? SourceArn { get; set; }
}

/// <summary>Source-generated JSON for <see cref="StoredJson"/>.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(StoredConstraints))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;
