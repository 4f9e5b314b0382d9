using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trent.Domain.Keys;

namespace Trent.Storage.Sqlite;

/// <summary>Conversions between domain values and column values.</summary>
internal static class SqliteValues
{
    public static long ToMillis(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMillis(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? NullableMillis(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromMillis(reader.GetInt64(ordinal));

    public static TEnum? NullableEnum<TEnum>(SqliteDataReader reader, int ordinal)
        where TEnum : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : Enum.Parse<TEnum>(reader.GetString(ordinal));

    public static object DbValue(object? value) => value ?? DBNull.Value;

    public static void Add(this SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, DbValue(value));

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
}
