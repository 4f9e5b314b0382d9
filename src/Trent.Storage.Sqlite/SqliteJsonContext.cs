using System.Text.Json.Serialization;

namespace Trent.Storage.Sqlite;

/// <summary>Source-generated JSON for the small structured columns (tags of users and roles, grant fields).</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(StoredConstraints))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
