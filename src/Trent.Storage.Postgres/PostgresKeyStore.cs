using System.Text;
using Npgsql;
using Trent.Domain.Keys;
using Trent.Domain.Policies;
using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

public sealed partial class PostgresKeyStore(PostgresDatabase database) : IKeyStore
{
    private const string KeyColumns = """
        account_id, region, key_id, partition, creation_date, description, key_spec, key_usage, origin, key_state,
        deletion_date, pending_window, policy, tags, current_material_version, current_key_material_id, materials_revision,
        rotation_enabled, rotation_period_days, next_rotation_date, on_demand_rotations, expiration_model, valid_to, row_version,
        primary_region, settled_state, custom_key_store_id
        """;

    private const string KeyValues = """
        @account, @region, @keyId, @partition, @created, @description, @spec, @usage, @origin, @state,
        @deletionDate, @window, @policy, @tags, @materialVersion, @materialId, @materialsRevision,
        @rotationEnabled, @rotationPeriod, @nextRotation, @onDemand, @expirationModel, @validTo, @rowVersion,
        @primaryRegion, @settledState, @customKeyStore
        """;

    /// <summary>What the keys of a multi-Region set share, and the primary's writes carry to the others.</summary>
    private const string SharedColumns = """
        current_material_version, current_key_material_id, materials_revision, rotation_enabled, rotation_period_days,
        next_rotation_date, on_demand_rotations, primary_region
        """;

    private const string SharedValues = """
        @materialVersion, @materialId, @materialsRevision, @rotationEnabled, @rotationPeriod, @nextRotation, @onDemand, @primaryRegion
        """;

    private const string MaterialColumns = """
        key_id, version, key_material_id, sealed_material, created_at, state, import_state, expiration_model, valid_to,
        description, rotation_date, rotation_type, fingerprint
        """;

    private const string UpsertMaterial = $"""
        INSERT INTO key_materials ({MaterialColumns}) VALUES
        (@keyId, @version, @materialId, @sealed, @created, @state, @importState, @expirationModel, @validTo,
         @description, @rotationDate, @rotationType, @fingerprint)
        ON CONFLICT (key_id, version) DO UPDATE SET
            key_material_id = EXCLUDED.key_material_id, sealed_material = EXCLUDED.sealed_material,
            created_at = EXCLUDED.created_at, state = EXCLUDED.state, import_state = EXCLUDED.import_state,
            expiration_model = EXCLUDED.expiration_model, valid_to = EXCLUDED.valid_to, description = EXCLUDED.description,
            rotation_date = EXCLUDED.rotation_date, rotation_type = EXCLUDED.rotation_type, fingerprint = EXCLUDED.fingerprint
        """;

    // Every write that touches several keys of a set locks the set's rows first, in Region order, so that a
    // primary's write (which changes the replicas) and a replica's (which may change the others) never deadlock,
    // and the last key's deletion sees every other deletion of the set.
    private const string LockSet = "SELECT 1 FROM keys WHERE account_id = @account AND key_id = @keyId ORDER BY region FOR UPDATE";

    public Task CreateKeyAsync(KeyRecord key, KeyMaterialRecord? material, CancellationToken cancellationToken) =>
        CreateKeysAsync([(key, material)], cancellationToken);

    public async Task CreateKeysAsync(IReadOnlyList<(KeyRecord Key, KeyMaterialRecord? Material)> keys, CancellationToken cancellationToken)
    {
        // Many rows per round trip (a seed of a million keys would otherwise pay a million), one transaction.
        const int KeysPerBatch = 200;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (keys.Count <= KeysPerBatch)
        {
            // One batch is one implicit transaction (Npgsql ends it with a single Sync; any failed statement rolls
            // back all): CreateKey costs one round trip and one commit, not BEGIN-batch then COMMIT. With a
            // synchronous standby every round trip that commits waits for the standby, so this is the one.
            await using var single = CreateBatch(connection, keys);
            await single.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in keys.Chunk(KeysPerBatch))
        {
            await using var batch = CreateBatch(connection, chunk);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatch CreateBatch(NpgsqlConnection connection, IEnumerable<(KeyRecord Key, KeyMaterialRecord? Material)> keys)
    {
        var batch = new NpgsqlBatch(connection);
        foreach (var (key, material) in keys)
        {
            var insert = new NpgsqlBatchCommand($"INSERT INTO keys ({KeyColumns}) VALUES ({KeyValues})");
            BindKey(insert.Parameters, key);
            batch.BatchCommands.Add(insert);
            if (material is not null)
            {
                var upsert = new NpgsqlBatchCommand(UpsertMaterial);
                BindMaterial(upsert.Parameters, material);
                batch.BatchCommands.Add(upsert);
            }
        }

        return batch;
    }

    public async Task<KeyRecord?> GetKeyAsync(string accountId, string region, string keyId, CancellationToken cancellationToken)
    {
        // The current material comes along (PrefetchedMaterial): a key not cached costs this one round trip.
        await using var command = database.DataSource.CreateCommand($"""
            SELECT k.*, m.* FROM (SELECT {KeyColumns} FROM keys WHERE account_id = @account AND region = @region AND key_id = @keyId) k
            LEFT JOIN LATERAL (SELECT {MaterialColumns} FROM key_materials WHERE key_id = k.key_id AND version = k.current_material_version) m ON true
            """);
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("keyId", keyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var key = ReadKey(reader);
        if (!reader.IsDBNull(KeyColumnCount))
        {
            PrefetchedMaterial.Attach(key, ReadMaterial(reader, KeyColumnCount));
        }

        return key;
    }

    public async Task<bool> TryUpdateKeyAsync(
        KeyRecord key, long expectedRowVersion, IReadOnlyList<KeyMaterialRecord>? materials, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (key.MultiRegion)
        {
            await LockSetAsync(connection, key, cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(
            $"""
            UPDATE keys SET ({KeyColumns}) = ({KeyValues})
            WHERE account_id = @account AND region = @region AND key_id = @keyId AND row_version = @expected
            """,
            connection))
        {
            BindKey(command.Parameters, key);
            command.Parameters.Bigint("expected", expectedRowVersion);
            // A concurrent writer of the same row waits for this one's commit, then finds the version changed.
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        if (key.MultiRegion && !key.IsReplica)
        {
            // In the same transaction, so that a rotation (or a new primary Region) is every key's at once; only
            // rows that differ change, so that the replicas' own writes are not disturbed by the primary's others.
            await using var share = new NpgsqlCommand(
                $"""
                UPDATE keys SET ({SharedColumns}) = ({SharedValues}), row_version = row_version + 1
                WHERE account_id = @account AND key_id = @keyId AND region <> @region
                  AND ({SharedColumns}) IS DISTINCT FROM ({SharedValues})
                """,
                connection);
            BindKey(share.Parameters, key);
            await share.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var material in materials ?? [])
        {
            await UpsertMaterialAsync(connection, material, cancellationToken).ConfigureAwait(false);
            if (key.MultiRegion && material.SealedMaterial is null)
            {
                // Imported material deleted (or expired) through one key of a set is gone for the set: the other
                // keys whose current material it was wait for an import too, in the same transaction.
                await using var orphaned = new NpgsqlCommand(
                    """
                    UPDATE keys SET key_state = 'PendingImport', row_version = row_version + 1
                    WHERE account_id = @account AND key_id = @keyId AND region <> @region
                      AND current_material_version = @version AND key_state IN ('Enabled', 'Disabled')
                    """,
                    connection);
                orphaned.Parameters.Text("account", key.AccountId);
                orphaned.Parameters.Text("keyId", key.KeyId);
                orphaned.Parameters.Text("region", key.Region);
                orphaned.Parameters.Bigint("version", material.Version);
                await orphaned.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<KeyRecord>> ListKeysAsync(
        string accountId, string region, string? afterKeyId, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"""
            SELECT {KeyColumns} FROM keys
            WHERE account_id = @account AND region = @region AND key_id > @after
            ORDER BY key_id LIMIT @limit
            """);
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("after", afterKeyId ?? string.Empty);
        command.Parameters.Integer("limit", limit);
        return await ReadKeysAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeyMaterialRecord?> GetMaterialAsync(string keyId, uint version, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {MaterialColumns} FROM key_materials WHERE key_id = @keyId AND version = @version");
        command.Parameters.Text("keyId", keyId);
        command.Parameters.Bigint("version", version);
        return (await ReadMaterialsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<KeyMaterialRecord>> ListMaterialsAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {MaterialColumns} FROM key_materials WHERE key_id = @keyId ORDER BY version");
        command.Parameters.Text("keyId", keyId);
        return await ReadMaterialsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<KeyRecord>> ListKeysDueForDeletionAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        DueAsync("key_state = 'PendingDeletion' AND deletion_date <= @now ORDER BY deletion_date", now, limit, cancellationToken);

    public Task<IReadOnlyList<KeyRecord>> ListKeysDueForRotationAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        DueAsync(
            """
            rotation_enabled AND key_state = 'Enabled' AND next_rotation_date <= @now AND (primary_region IS NULL OR primary_region = region)
            ORDER BY next_rotation_date
            """,
            now,
            limit,
            cancellationToken);

    public Task<IReadOnlyList<KeyRecord>> ListKeysInTransitionAsync(int limit, CancellationToken cancellationToken) =>
        DueAsync("key_state IN ('Creating', 'Updating')", null, limit, cancellationToken);

    public async Task<IReadOnlyList<KeyRecord>> ListMultiRegionKeysAsync(string accountId, string keyId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {KeyColumns} FROM keys WHERE account_id = @account AND key_id = @keyId AND primary_region IS NOT NULL ORDER BY region");
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("keyId", keyId);
        return await ReadKeysAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<KeyRecord>> ListKeysWithExpiredMaterialAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        DueAsync("valid_to IS NOT NULL AND valid_to <= @now ORDER BY valid_to", now, limit, cancellationToken);

    public async Task<long> CountKeysAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM keys");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<bool> AnyKeyInCustomKeyStoreAsync(string customKeyStoreId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM keys WHERE custom_key_store_id = @id)");
        command.Parameters.Text("id", customKeyStoreId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        // A standby answers, but cannot take a write: not ready (a string without Target Session Attributes may land there).
        await using var command = database.DataSource.CreateCommand("SELECT pg_is_in_recovery()");
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            throw new PostgresStoreException("the PostgreSQL server is a standby (read-only)");
        }
    }

    public async Task<bool> TryDeleteKeyAsync(KeyRecord key, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockSetAsync(connection, key, cancellationToken).ConfigureAwait(false);
        await using (var deleteKey = new NpgsqlCommand(
            "DELETE FROM keys WHERE account_id = @account AND region = @region AND key_id = @keyId AND row_version = @expected",
            connection))
        {
            deleteKey.Parameters.Text("account", key.AccountId);
            deleteKey.Parameters.Text("region", key.Region);
            deleteKey.Parameters.Text("keyId", key.KeyId);
            deleteKey.Parameters.Bigint("expected", key.RowVersion);
            if (await deleteKey.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                // The material is the whole multi-Region set's: it goes with the set's last key.
                new NpgsqlBatchCommand(
                    "DELETE FROM key_materials WHERE key_id = $2 AND NOT EXISTS (SELECT 1 FROM keys WHERE account_id = $1 AND key_id = $2)"),
                new NpgsqlBatchCommand("DELETE FROM aliases WHERE account_id = $1 AND region = $3 AND target_key_id = $2"),
                new NpgsqlBatchCommand("DELETE FROM grants WHERE key_account_id = $1 AND key_region = $3 AND key_id = $2"),
            },
        };
        foreach (var command in batch.BatchCommands)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = key.AccountId });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = key.KeyId });
            if (command.CommandText.Contains("$3", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = key.Region });
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task LockSetAsync(NpgsqlConnection connection, KeyRecord key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(LockSet, connection);
        command.Parameters.Text("account", key.AccountId);
        command.Parameters.Text("keyId", key.KeyId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<KeyRecord>> DueAsync(string condition, DateTimeOffset? now, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT {KeyColumns} FROM keys WHERE {condition} LIMIT @limit");
        if (now is not null)
        {
            command.Parameters.Bigint("now", ToMillis(now));
        }

        command.Parameters.Integer("limit", limit);
        return await ReadKeysAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task UpsertMaterialAsync(NpgsqlConnection connection, KeyMaterialRecord material, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(UpsertMaterial, connection);
        BindMaterial(command.Parameters, material);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void BindMaterial(NpgsqlParameterCollection p, KeyMaterialRecord material)
    {
        p.Text("keyId", material.KeyId);
        p.Bigint("version", material.Version);
        p.Text("materialId", material.KeyMaterialId);
        p.Bytes("sealed", material.SealedMaterial);
        p.Bigint("created", ToMillis(material.CreatedAt));
        p.Text("state", material.State.ToString());
        p.Text("importState", material.ImportState?.ToString());
        p.Text("expirationModel", material.ExpirationModel?.ToString());
        p.Bigint("validTo", ToMillis(material.ValidTo));
        p.Text("description", material.Description);
        p.Bigint("rotationDate", ToMillis(material.RotationDate));
        p.Text("rotationType", material.RotationType?.ToString());
        p.Bytes("fingerprint", material.Fingerprint);
    }

    private static void BindKey(NpgsqlParameterCollection p, KeyRecord key)
    {
        p.Text("account", key.AccountId);
        p.Text("region", key.Region);
        p.Text("keyId", key.KeyId);
        p.Text("partition", key.Partition);
        p.Bigint("created", ToMillis(key.CreationDate));
        p.Bytes("description", Encoding.UTF8.GetBytes(key.Description));
        p.Text("spec", key.KeySpec.ToString());
        p.Text("usage", key.KeyUsage.ToString());
        p.Text("origin", key.Origin.ToString());
        p.Text("state", key.State.ToString());
        p.Bigint("deletionDate", ToMillis(key.DeletionDate));
        p.Integer("window", key.PendingWindowInDays);
        // The default policy is the same text for every key of an account: store it as NULL, rebuild it on read.
        p.Text("policy", key.Policy == KeyPolicyDocument.Default(key.Partition, key.AccountId) ? null : key.Policy);
        p.Text("tags", StoredJson.TagsToJson(key.Tags));
        p.Bigint("materialVersion", key.CurrentMaterialVersion);
        p.Text("materialId", key.CurrentKeyMaterialId);
        p.Bigint("materialsRevision", key.MaterialsRevision);
        p.Boolean("rotationEnabled", key.RotationEnabled);
        p.Integer("rotationPeriod", key.RotationPeriodInDays);
        p.Bigint("nextRotation", ToMillis(key.NextRotationDate));
        p.Integer("onDemand", key.OnDemandRotationCount);
        p.Text("expirationModel", key.ExpirationModel?.ToString());
        p.Bigint("validTo", ToMillis(key.ValidTo));
        p.Bigint("rowVersion", key.RowVersion);
        p.Text("primaryRegion", key.PrimaryRegion);
        p.Text("settledState", key.SettledState?.ToString());
        p.Text("customKeyStore", key.CustomKeyStoreId);
    }

    private static async Task<IReadOnlyList<KeyRecord>> ReadKeysAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<KeyRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    /// <summary>How many columns <see cref="KeyColumns"/> names (<see cref="ReadKey"/> reads them in order).</summary>
    private const int KeyColumnCount = 27;

    private static KeyRecord ReadKey(NpgsqlDataReader reader) => new()
    {
        AccountId = reader.GetString(0),
        Region = reader.GetString(1),
        KeyId = reader.GetString(2),
        Partition = reader.GetString(3),
        CreationDate = FromMillis(reader.GetInt64(4)),
        Description = Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(5)),
        KeySpec = Enum.Parse<KeySpec>(reader.GetString(6)),
        KeyUsage = Enum.Parse<KeyUsage>(reader.GetString(7)),
        Origin = Enum.Parse<KeyOrigin>(reader.GetString(8)),
        State = Enum.Parse<KeyState>(reader.GetString(9)),
        DeletionDate = NullableMillis(reader, 10),
        PendingWindowInDays = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        Policy = reader.IsDBNull(12) ? KeyPolicyDocument.Default(reader.GetString(3), reader.GetString(0)) : reader.GetString(12),
        Tags = StoredJson.TagsFromJson(reader.GetString(13)),
        CurrentMaterialVersion = (uint)reader.GetInt64(14),
        CurrentKeyMaterialId = NullableString(reader, 15),
        MaterialsRevision = reader.GetInt64(16),
        RotationEnabled = reader.GetBoolean(17),
        RotationPeriodInDays = reader.IsDBNull(18) ? null : reader.GetInt32(18),
        NextRotationDate = NullableMillis(reader, 19),
        OnDemandRotationCount = reader.GetInt32(20),
        ExpirationModel = NullableEnum<ExpirationModel>(reader, 21),
        ValidTo = NullableMillis(reader, 22),
        RowVersion = reader.GetInt64(23),
        PrimaryRegion = NullableString(reader, 24),
        SettledState = NullableEnum<KeyState>(reader, 25),
        CustomKeyStoreId = NullableString(reader, 26),
    };

    private static async Task<IReadOnlyList<KeyMaterialRecord>> ReadMaterialsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var materials = new List<KeyMaterialRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            materials.Add(ReadMaterial(reader, 0));
        }

        return materials;
    }

    /// <summary>A material row whose <see cref="MaterialColumns"/> start at column <paramref name="at"/>.</summary>
    private static KeyMaterialRecord ReadMaterial(NpgsqlDataReader reader, int at) => new()
    {
        KeyId = reader.GetString(at),
        Version = (uint)reader.GetInt64(at + 1),
        KeyMaterialId = reader.GetString(at + 2),
        SealedMaterial = reader.IsDBNull(at + 3) ? null : reader.GetFieldValue<byte[]>(at + 3),
        CreatedAt = FromMillis(reader.GetInt64(at + 4)),
        State = Enum.Parse<KeyMaterialState>(reader.GetString(at + 5)),
        ImportState = NullableEnum<ImportState>(reader, at + 6),
        ExpirationModel = NullableEnum<ExpirationModel>(reader, at + 7),
        ValidTo = NullableMillis(reader, at + 8),
        Description = NullableString(reader, at + 9),
        RotationDate = NullableMillis(reader, at + 10),
        RotationType = NullableEnum<RotationType>(reader, at + 11),
        Fingerprint = reader.IsDBNull(at + 12) ? null : reader.GetFieldValue<byte[]>(at + 12),
    };
}
