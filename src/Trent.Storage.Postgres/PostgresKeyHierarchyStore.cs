using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

public sealed class PostgresKeyHierarchyStore(PostgresDatabase database) : IKeyHierarchyStore
{
    public async Task<IReadOnlyList<WrappedKeyRecord>> ListWrappedKeysAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT purpose, version, wrapped, created_at FROM wrapped_keys ORDER BY purpose, version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<WrappedKeyRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new WrappedKeyRecord(reader.GetString(0), (uint)reader.GetInt64(1), reader.GetFieldValue<byte[]>(2), FromMillis(reader.GetInt64(3))));
        }

        return keys;
    }

    public async Task<bool> TryAddWrappedKeyAsync(WrappedKeyRecord key, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "INSERT INTO wrapped_keys (purpose, version, wrapped, created_at) VALUES (@purpose, @version, @wrapped, @created) ON CONFLICT DO NOTHING");
        command.Parameters.Text("purpose", key.Purpose);
        command.Parameters.Bigint("version", key.Version);
        command.Parameters.Bytes("wrapped", key.Wrapped);
        command.Parameters.Bigint("created", ToMillis(key.CreatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> HasMarkerAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT 1 FROM markers WHERE name = @name");
        command.Parameters.Text("name", name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task SetMarkerAsync(string name, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("INSERT INTO markers (name, set_at) VALUES (@name, @at) ON CONFLICT DO NOTHING");
        command.Parameters.Text("name", name);
        command.Parameters.Bigint("at", ToMillis(at));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
