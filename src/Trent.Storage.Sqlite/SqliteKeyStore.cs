using Microsoft.Data.Sqlite;
using Trent.Domain.Keys;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

public sealed class SqliteKeyStore(SqliteDatabase database) : IKeyStore
{
    private const string KeyColumns = """
        account_id, region, key_id, partition, creation_date, description, key_spec, key_usage, origin, key_state,
        deletion_date, pending_window, policy, tags, current_material_version, current_key_material_id, row_version
        """;

    public Task CreateKeyAsync(KeyRecord key, KeyMaterialRecord material, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using (var insertKey = connection.CreateCommand())
        {
            insertKey.CommandText = $"""
                INSERT INTO keys ({KeyColumns}) VALUES
                ($account, $region, $keyId, $partition, $created, $description, $spec, $usage, $origin, $state,
                 $deletionDate, $window, $policy, $tags, $materialVersion, $materialId, $rowVersion)
                """;
            BindKey(insertKey, key);
            insertKey.ExecuteNonQuery();
        }

        using (var insertMaterial = connection.CreateCommand())
        {
            insertMaterial.CommandText = """
                INSERT INTO key_materials (key_id, version, key_material_id, sealed_material, created_at)
                VALUES ($keyId, $version, $materialId, $sealed, $created)
                """;
            insertMaterial.Add("$keyId", material.KeyId);
            insertMaterial.Add("$version", (long)material.Version);
            insertMaterial.Add("$materialId", material.KeyMaterialId);
            insertMaterial.Add("$sealed", material.SealedMaterial);
            insertMaterial.Add("$created", ToMillis(material.CreatedAt));
            insertMaterial.ExecuteNonQuery();
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task<KeyRecord?> GetKeyAsync(string accountId, string region, string keyId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM keys WHERE account_id = $account AND region = $region AND key_id = $keyId";
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$keyId", keyId);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadKey(reader) : null);
    }

    public Task<bool> TryUpdateKeyAsync(KeyRecord key, long expectedRowVersion, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE keys SET description = $description, key_spec = $spec, key_usage = $usage, origin = $origin,
                key_state = $state, deletion_date = $deletionDate, pending_window = $window, policy = $policy, tags = $tags,
                current_material_version = $materialVersion, current_key_material_id = $materialId, row_version = $rowVersion
            WHERE account_id = $account AND region = $region AND key_id = $keyId AND row_version = $expected
            """;
        BindKey(command, key);
        command.Add("$expected", expectedRowVersion);
        return Task.FromResult(command.ExecuteNonQuery() == 1);
    }

    public Task<IReadOnlyList<KeyRecord>> ListKeysAsync(
        string accountId, string region, string? afterKeyId, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {KeyColumns} FROM keys
            WHERE account_id = $account AND region = $region AND key_id > $after
            ORDER BY key_id LIMIT $limit
            """;
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$after", afterKeyId ?? string.Empty);
        command.Add("$limit", limit);
        return Task.FromResult<IReadOnlyList<KeyRecord>>(ReadKeys(command));
    }

    public Task<KeyMaterialRecord?> GetMaterialAsync(string keyId, uint version, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT key_material_id, sealed_material, created_at FROM key_materials WHERE key_id = $keyId AND version = $version
            """;
        command.Add("$keyId", keyId);
        command.Add("$version", (long)version);
        using var reader = command.ExecuteReader();
        KeyMaterialRecord? material = reader.Read()
            ? new KeyMaterialRecord(keyId, version, reader.GetString(0), (byte[])reader[1], FromMillis(reader.GetInt64(2)))
            : null;
        return Task.FromResult(material);
    }

    public Task<IReadOnlyList<KeyRecord>> ListKeysDueForDeletionAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {KeyColumns} FROM keys
            WHERE key_state = 'PendingDeletion' AND deletion_date <= $now
            ORDER BY deletion_date LIMIT $limit
            """;
        command.Add("$now", ToMillis(now));
        command.Add("$limit", limit);
        return Task.FromResult<IReadOnlyList<KeyRecord>>(ReadKeys(command));
    }

    public Task<bool> TryDeleteKeyAsync(KeyRecord key, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using (var deleteKey = connection.CreateCommand())
        {
            deleteKey.CommandText = """
                DELETE FROM keys WHERE account_id = $account AND region = $region AND key_id = $keyId AND row_version = $expected
                """;
            deleteKey.Add("$account", key.AccountId);
            deleteKey.Add("$region", key.Region);
            deleteKey.Add("$keyId", key.KeyId);
            deleteKey.Add("$expected", key.RowVersion);
            if (deleteKey.ExecuteNonQuery() != 1)
            {
                return Task.FromResult(false);
            }
        }

        using (var deleteRest = connection.CreateCommand())
        {
            deleteRest.CommandText = """
                DELETE FROM key_materials WHERE key_id = $keyId;
                DELETE FROM aliases WHERE account_id = $account AND region = $region AND target_key_id = $keyId;
                """;
            deleteRest.Add("$account", key.AccountId);
            deleteRest.Add("$region", key.Region);
            deleteRest.Add("$keyId", key.KeyId);
            deleteRest.ExecuteNonQuery();
        }

        transaction.Commit();
        return Task.FromResult(true);
    }

    private static void BindKey(SqliteCommand command, KeyRecord key)
    {
        command.Add("$account", key.AccountId);
        command.Add("$region", key.Region);
        command.Add("$keyId", key.KeyId);
        command.Add("$partition", key.Partition);
        command.Add("$created", ToMillis(key.CreationDate));
        command.Add("$description", key.Description);
        command.Add("$spec", key.KeySpec.ToString());
        command.Add("$usage", key.KeyUsage.ToString());
        command.Add("$origin", key.Origin.ToString());
        command.Add("$state", key.State.ToString());
        command.Add("$deletionDate", key.DeletionDate is { } d ? ToMillis(d) : null);
        command.Add("$window", key.PendingWindowInDays);
        command.Add("$policy", key.Policy);
        command.Add("$tags", TagsToJson(key.Tags));
        command.Add("$materialVersion", (long)key.CurrentMaterialVersion);
        command.Add("$materialId", key.CurrentKeyMaterialId);
        command.Add("$rowVersion", key.RowVersion);
    }

    private static List<KeyRecord> ReadKeys(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var keys = new List<KeyRecord>();
        while (reader.Read())
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    private static KeyRecord ReadKey(SqliteDataReader reader) => new()
    {
        AccountId = reader.GetString(0),
        Region = reader.GetString(1),
        KeyId = reader.GetString(2),
        Partition = reader.GetString(3),
        CreationDate = FromMillis(reader.GetInt64(4)),
        Description = reader.GetString(5),
        KeySpec = Enum.Parse<KeySpec>(reader.GetString(6)),
        KeyUsage = Enum.Parse<KeyUsage>(reader.GetString(7)),
        Origin = Enum.Parse<KeyOrigin>(reader.GetString(8)),
        State = Enum.Parse<KeyState>(reader.GetString(9)),
        DeletionDate = reader.IsDBNull(10) ? null : FromMillis(reader.GetInt64(10)),
        PendingWindowInDays = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        Policy = reader.GetString(12),
        Tags = TagsFromJson(reader.GetString(13)),
        CurrentMaterialVersion = (uint)reader.GetInt64(14),
        CurrentKeyMaterialId = reader.IsDBNull(15) ? null : reader.GetString(15),
        RowVersion = reader.GetInt64(16),
    };
}
