using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

public sealed class SqliteKeyHierarchyStore(SqliteDatabase database) : IKeyHierarchyStore
{
    public Task<IReadOnlyList<WrappedKeyRecord>> ListWrappedKeysAsync(CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT purpose, version, wrapped, created_at FROM wrapped_keys ORDER BY purpose, version";
        using var reader = command.ExecuteReader();
        var keys = new List<WrappedKeyRecord>();
        while (reader.Read())
        {
            keys.Add(new WrappedKeyRecord(reader.GetString(0), (uint)reader.GetInt64(1), (byte[])reader[2], FromMillis(reader.GetInt64(3))));
        }

        return Task.FromResult<IReadOnlyList<WrappedKeyRecord>>(keys);
    }

    public async Task<bool> TryAddWrappedKeyAsync(WrappedKeyRecord key, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO wrapped_keys (purpose, version, wrapped, created_at) VALUES ($purpose, $version, $wrapped, $created) ON CONFLICT DO NOTHING";
        command.Add("$purpose", key.Purpose);
        command.Add("$version", (long)key.Version);
        command.Add("$wrapped", key.Wrapped);
        command.Add("$created", ToMillis(key.CreatedAt));
        return command.ExecuteNonQuery() > 0;
    }

    public Task<bool> HasMarkerAsync(string name, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM markers WHERE name = $name";
        command.Add("$name", name);
        return Task.FromResult(command.ExecuteScalar() is not null);
    }

    public async Task SetMarkerAsync(string name, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO markers (name, set_at) VALUES ($name, $at) ON CONFLICT DO NOTHING";
        command.Add("$name", name);
        command.Add("$at", ToMillis(at));
        command.ExecuteNonQuery();
    }
}
