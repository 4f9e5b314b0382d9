using Microsoft.Data.Sqlite;
using Trent.Domain.Keys;
using Trent.Domain.Policies;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

public sealed partial class SqliteKeyStore(SqliteDatabase database) : IKeyStore
{
    private const string KeyColumns = """
        account_id, region, key_id, partition, creation_date, description, key_spec, key_usage, origin, key_state,
        deletion_date, pending_window, policy, tags, current_material_version, current_key_material_id, materials_revision,
        rotation_enabled, rotation_period_days, next_rotation_date, on_demand_rotations, expiration_model, valid_to, row_version,
        primary_region, settled_state, custom_key_store_id
        """;

    private const string KeyValues = """
        $account, $region, $keyId, $partition, $created, $description, $spec, $usage, $origin, $state,
        $deletionDate, $window, $policy, $tags, $materialVersion, $materialId, $materialsRevision,
        $rotationEnabled, $rotationPeriod, $nextRotation, $onDemand, $expirationModel, $validTo, $rowVersion,
        $primaryRegion, $settledState, $customKeyStore
        """;

    /// <summary>What the keys of a multi-Region set share, and the primary's writes carry to the others.</summary>
    private const string SharedColumns = """
        current_material_version, current_key_material_id, materials_revision, rotation_enabled, rotation_period_days,
        next_rotation_date, on_demand_rotations, primary_region
        """;

    private const string SharedValues = """
        $materialVersion, $materialId, $materialsRevision, $rotationEnabled, $rotationPeriod, $nextRotation, $onDemand, $primaryRegion
        """;

    private const string MaterialColumns = """
        key_id, version, key_material_id, sealed_material, created_at, state, import_state, expiration_model, valid_to,
        description, rotation_date, rotation_type, fingerprint
        """;

    public Task CreateKeyAsync(KeyRecord key, KeyMaterialRecord? material, CancellationToken cancellationToken) =>
        CreateKeysAsync([(key, material)], cancellationToken);

    public async Task CreateKeysAsync(IReadOnlyList<(KeyRecord Key, KeyMaterialRecord? Material)> keys, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        using var insertKey = connection.CreateCommand();
        insertKey.CommandText = $"INSERT INTO keys ({KeyColumns}) VALUES ({KeyValues})";
        foreach (var (key, material) in keys)
        {
            insertKey.Parameters.Clear();
            BindKey(insertKey, key);
            insertKey.ExecuteNonQuery();
            if (material is not null)
            {
                UpsertMaterial(connection, material);
            }
        }

        transaction.Commit();
    }

    public Task<KeyRecord?> GetKeyAsync(string accountId, string region, string keyId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var command = connection.Prepared($"SELECT {KeyColumns} FROM keys WHERE account_id = $account AND region = $region AND key_id = $keyId");
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$keyId", keyId);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadKey(reader) : null);
    }

    public async Task<bool> TryUpdateKeyAsync(
        KeyRecord key, long expectedRowVersion, IReadOnlyList<KeyMaterialRecord>? materials, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                UPDATE keys SET ({KeyColumns}) = ({KeyValues})
                WHERE account_id = $account AND region = $region AND key_id = $keyId AND row_version = $expected
                """;
            BindKey(command, key);
            command.Add("$expected", expectedRowVersion);
            if (command.ExecuteNonQuery() != 1)
            {
                return false;
            }
        }

        if (key.MultiRegion && !key.IsReplica)
        {
            // In the same transaction, so that a rotation (or a new primary Region) is every key's at once; only
            // rows that differ change, so that the replicas' own writes are not disturbed by the primary's others.
            using var share = connection.CreateCommand();
            share.CommandText = $"""
                UPDATE keys SET ({SharedColumns}) = ({SharedValues}), row_version = row_version + 1
                WHERE account_id = $account AND key_id = $keyId AND region <> $region AND ({SharedColumns}) IS NOT ({SharedValues})
                """;
            BindKey(share, key);
            share.ExecuteNonQuery();
        }

        foreach (var material in materials ?? [])
        {
            UpsertMaterial(connection, material);
            if (key.MultiRegion && material.SealedMaterial is null)
            {
                // Imported material deleted (or expired) through one key of a set is gone for the set: the other
                // keys whose current material it was wait for an import too, in the same transaction.
                using var orphaned = connection.CreateCommand();
                orphaned.CommandText = """
                    UPDATE keys SET key_state = 'PendingImport', row_version = row_version + 1
                    WHERE account_id = $account AND key_id = $keyId AND region <> $region
                      AND current_material_version = $version AND key_state IN ('Enabled', 'Disabled')
                    """;
                orphaned.Add("$account", key.AccountId);
                orphaned.Add("$keyId", key.KeyId);
                orphaned.Add("$region", key.Region);
                orphaned.Add("$version", (long)material.Version);
                orphaned.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        return true;
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
        var command = connection.Prepared($"SELECT {MaterialColumns} FROM key_materials WHERE key_id = $keyId AND version = $version");
        command.Add("$keyId", keyId);
        command.Add("$version", (long)version);
        return Task.FromResult(ReadMaterials(command).FirstOrDefault());
    }

    public Task<IReadOnlyList<KeyMaterialRecord>> ListMaterialsAsync(string keyId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {MaterialColumns} FROM key_materials WHERE key_id = $keyId ORDER BY version";
        command.Add("$keyId", keyId);
        return Task.FromResult<IReadOnlyList<KeyMaterialRecord>>(ReadMaterials(command));
    }

    public Task<IReadOnlyList<KeyRecord>> ListKeysDueForDeletionAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Due("key_state = 'PendingDeletion' AND deletion_date <= $now ORDER BY deletion_date", now, limit);

    public Task<IReadOnlyList<KeyRecord>> ListKeysDueForRotationAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Due("""
            rotation_enabled = 1 AND key_state = 'Enabled' AND next_rotation_date <= $now AND (primary_region IS NULL OR primary_region = region)
            ORDER BY next_rotation_date
            """, now, limit);

    public Task<IReadOnlyList<KeyRecord>> ListKeysInTransitionAsync(int limit, CancellationToken cancellationToken) =>
        Due("key_state IN ('Creating', 'Updating')", DateTimeOffset.UnixEpoch, limit);

    public Task<IReadOnlyList<KeyRecord>> ListMultiRegionKeysAsync(string accountId, string keyId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var command = connection.Prepared($"SELECT {KeyColumns} FROM keys WHERE account_id = $account AND key_id = $keyId AND primary_region IS NOT NULL ORDER BY region");
        command.Add("$account", accountId);
        command.Add("$keyId", keyId);
        return Task.FromResult<IReadOnlyList<KeyRecord>>(ReadKeys(command));
    }

    public Task<IReadOnlyList<KeyRecord>> ListKeysWithExpiredMaterialAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Due("valid_to IS NOT NULL AND valid_to <= $now ORDER BY valid_to", now, limit);

    public Task<long> CountKeysAsync(CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM keys";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    public Task<bool> AnyKeyInCustomKeyStoreAsync(string customKeyStoreId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM keys WHERE custom_key_store_id = $id)";
        command.Add("$id", customKeyStoreId);
        return Task.FromResult((long)command.ExecuteScalar()! == 1);
    }

    public Task PingAsync(CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        command.ExecuteScalar();
        return Task.CompletedTask;
    }

    public async Task<bool> TryDeleteKeyAsync(KeyRecord key, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
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
                return false;
            }
        }

        using (var deleteRest = connection.CreateCommand())
        {
            deleteRest.CommandText = """
                -- The material is the whole multi-Region set's: it goes with the set's last key.
                DELETE FROM key_materials WHERE key_id = $keyId AND NOT EXISTS (SELECT 1 FROM keys WHERE account_id = $account AND key_id = $keyId);
                DELETE FROM aliases WHERE account_id = $account AND region = $region AND target_key_id = $keyId;
                DELETE FROM grants WHERE key_account_id = $account AND key_region = $region AND key_id = $keyId;
                """;
            deleteRest.Add("$account", key.AccountId);
            deleteRest.Add("$region", key.Region);
            deleteRest.Add("$keyId", key.KeyId);
            deleteRest.ExecuteNonQuery();
        }

        transaction.Commit();
        return true;
    }

    private Task<IReadOnlyList<KeyRecord>> Due(string condition, DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM keys WHERE {condition} LIMIT $limit";
        command.Add("$now", ToMillis(now));
        command.Add("$limit", limit);
        return Task.FromResult<IReadOnlyList<KeyRecord>>(ReadKeys(command));
    }

    private static void UpsertMaterial(PooledConnection connection, KeyMaterialRecord material)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT OR REPLACE INTO key_materials ({MaterialColumns}) VALUES
            ($keyId, $version, $materialId, $sealed, $created, $state, $importState, $expirationModel, $validTo,
             $description, $rotationDate, $rotationType, $fingerprint)
            """;
        command.Add("$keyId", material.KeyId);
        command.Add("$version", (long)material.Version);
        command.Add("$materialId", material.KeyMaterialId);
        command.Add("$sealed", material.SealedMaterial);
        command.Add("$created", ToMillis(material.CreatedAt));
        command.Add("$state", material.State.ToString());
        command.Add("$importState", material.ImportState?.ToString());
        command.Add("$expirationModel", material.ExpirationModel?.ToString());
        command.Add("$validTo", material.ValidTo is { } v ? ToMillis(v) : null);
        command.Add("$description", material.Description);
        command.Add("$rotationDate", material.RotationDate is { } r ? ToMillis(r) : null);
        command.Add("$rotationType", material.RotationType?.ToString());
        command.Add("$fingerprint", material.Fingerprint);
        command.ExecuteNonQuery();
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
        // The default policy is the same text for every key of an account: store it as NULL, rebuild it on read.
        command.Add("$policy", key.Policy == KeyPolicyDocument.Default(key.Partition, key.AccountId) ? null : key.Policy);
        command.Add("$tags", StoredJson.TagsToJson(key.Tags));
        command.Add("$materialVersion", (long)key.CurrentMaterialVersion);
        command.Add("$materialId", key.CurrentKeyMaterialId);
        command.Add("$materialsRevision", key.MaterialsRevision);
        command.Add("$rotationEnabled", key.RotationEnabled ? 1 : 0);
        command.Add("$rotationPeriod", key.RotationPeriodInDays);
        command.Add("$nextRotation", key.NextRotationDate is { } n ? ToMillis(n) : null);
        command.Add("$onDemand", key.OnDemandRotationCount);
        command.Add("$expirationModel", key.ExpirationModel?.ToString());
        command.Add("$validTo", key.ValidTo is { } v ? ToMillis(v) : null);
        command.Add("$rowVersion", key.RowVersion);
        command.Add("$primaryRegion", key.PrimaryRegion);
        command.Add("$settledState", key.SettledState?.ToString());
        command.Add("$customKeyStore", key.CustomKeyStoreId);
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
        DeletionDate = NullableMillis(reader, 10),
        PendingWindowInDays = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        Policy = reader.IsDBNull(12) ? KeyPolicyDocument.Default(reader.GetString(3), reader.GetString(0)) : reader.GetString(12),
        Tags = StoredJson.TagsFromJson(reader.GetString(13)),
        CurrentMaterialVersion = (uint)reader.GetInt64(14),
        CurrentKeyMaterialId = reader.IsDBNull(15) ? null : reader.GetString(15),
        MaterialsRevision = reader.GetInt64(16),
        RotationEnabled = reader.GetInt64(17) != 0,
        RotationPeriodInDays = reader.IsDBNull(18) ? null : reader.GetInt32(18),
        NextRotationDate = NullableMillis(reader, 19),
        OnDemandRotationCount = reader.GetInt32(20),
        ExpirationModel = NullableEnum<ExpirationModel>(reader, 21),
        ValidTo = NullableMillis(reader, 22),
        RowVersion = reader.GetInt64(23),
        PrimaryRegion = reader.IsDBNull(24) ? null : reader.GetString(24),
        SettledState = NullableEnum<KeyState>(reader, 25),
        CustomKeyStoreId = reader.IsDBNull(26) ? null : reader.GetString(26),
    };

    private static List<KeyMaterialRecord> ReadMaterials(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var materials = new List<KeyMaterialRecord>();
        while (reader.Read())
        {
            materials.Add(new KeyMaterialRecord
            {
                KeyId = reader.GetString(0),
                Version = (uint)reader.GetInt64(1),
                KeyMaterialId = reader.GetString(2),
                SealedMaterial = reader.IsDBNull(3) ? null : (byte[])reader[3],
                CreatedAt = FromMillis(reader.GetInt64(4)),
                State = Enum.Parse<KeyMaterialState>(reader.GetString(5)),
                ImportState = NullableEnum<ImportState>(reader, 6),
                ExpirationModel = NullableEnum<ExpirationModel>(reader, 7),
                ValidTo = NullableMillis(reader, 8),
                Description = reader.IsDBNull(9) ? null : reader.GetString(9),
                RotationDate = NullableMillis(reader, 10),
                RotationType = NullableEnum<RotationType>(reader, 11),
                Fingerprint = reader.IsDBNull(12) ? null : (byte[])reader[12],
            });
        }

        return materials;
    }
}
