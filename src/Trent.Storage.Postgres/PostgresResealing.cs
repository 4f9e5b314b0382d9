using Trent.Domain.Auth;
using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

/// <summary>The pages and compare-and-set replacements that re-sealing (a domain-key rotation, the upgrade) walks.</summary>
public sealed partial class PostgresKeyStore
{
    public async Task<IReadOnlyList<SealedMaterialRow>> ListSealedMaterialsAsync(string? afterKeyId, uint afterVersion, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT m.key_id, m.version, m.key_material_id, m.sealed_material, k.partition, k.account_id, k.region, k.primary_region IS NOT NULL
            FROM key_materials m JOIN keys k ON k.key_id = m.key_id
            WHERE m.sealed_material IS NOT NULL AND (m.key_id, m.version) > (@after, @afterVersion)
            ORDER BY m.key_id, m.version, k.region LIMIT @limit
            """);
        command.Parameters.Text("after", afterKeyId ?? string.Empty);
        command.Parameters.Bigint("afterVersion", afterVersion);
        command.Parameters.Integer("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<SealedMaterialRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new SealedMaterialRow(
                reader.GetString(0), (uint)reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetBoolean(7)));
        }

        return rows;
    }

    public async Task<bool> TryReplaceSealedMaterialAsync(string keyId, uint version, byte[] expected, byte[] replacement, CancellationToken cancellationToken)
    {
        if (!Storable(keyId))
        {
            return false;
        }

        await using var command = database.DataSource.CreateCommand(
            "UPDATE key_materials SET sealed_material = @new WHERE key_id = @keyId AND version = @version AND sealed_material = @old");
        command.Parameters.Bytes("new", replacement);
        command.Parameters.Text("keyId", keyId);
        command.Parameters.Bigint("version", version);
        command.Parameters.Bytes("old", expected);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}

public sealed partial class PostgresCredentialStore
{
    public async Task<IReadOnlyList<AccessKeyRecord>> ListAllAccessKeysAsync(string? afterAccessKeyId, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {Columns} FROM access_keys WHERE access_key_id > @after ORDER BY access_key_id LIMIT @limit");
        command.Parameters.Text("after", afterAccessKeyId ?? string.Empty);
        command.Parameters.Integer("limit", limit);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryReplaceSealedSecretAsync(string accessKeyId, byte[] expected, byte[] replacement, CancellationToken cancellationToken)
    {
        if (!Storable(accessKeyId))
        {
            return false;
        }

        await using var command = database.DataSource.CreateCommand(
            "UPDATE access_keys SET sealed_secret = @new WHERE access_key_id = @id AND sealed_secret = @old");
        command.Parameters.Bytes("new", replacement);
        command.Parameters.Text("id", accessKeyId);
        command.Parameters.Bytes("old", expected);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}
