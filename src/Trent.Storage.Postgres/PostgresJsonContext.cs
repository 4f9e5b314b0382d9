using System.Text.Json.Serialization;

namespace Trent.Storage.Postgres;

/// <summary>Source-generated JSON for the small structured columns (tags of users and roles, grant fields),
/// in the same forms as the embedded store's.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(StoredConstraints))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;

/// <summary>The JSON column form of grant constraints.</summary>
internal sealed class StoredConstraints
{
    public Dictionary<string, string>? EqualsContext { get; set; }

    public Dictionary<string, string>? Subset { get; set; }

    public string? SourceArn { get; set; }
}
