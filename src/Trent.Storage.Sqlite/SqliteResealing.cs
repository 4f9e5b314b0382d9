using Trent.Domain.Auth;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

/// <summary>The pages and compare-and-set replacements that re-sealing (a domain-key rotation, the upgrade) walks.</summary>
public sealed partial class SqliteKeyStore
{
    public Task<IReadOnlyList<SealedMaterialRow>> ListSealedMaterialsAsync(string? afterKeyId, uint afterVersion, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.key_id, m.version, m.key_material_id, m.sealed_material, k.partition, k.account_id, k.region, k.primary_region IS NOT NULL
            FROM key_materials m JOIN keys k ON k.key_id = m.key_id
            WHERE m.sealed_material IS NOT NULL AND (m.key_id, m.version) > ($after, $afterVersion)
            ORDER BY m.key_id, m.version, k.region LIMIT $limit
            """;
        command.Add("$after", afterKeyId ?? string.Empty);
        command.Add("$afterVersion", (long)afterVersion);
        command.Add("$limit", limit);
        using var reader = command.ExecuteReader();
        var rows = new List<SealedMaterialRow>();
        while (reader.Read())
        {
            rows.Add(new SealedMaterialRow(
                reader.GetString(0), (uint)reader.GetInt64(1), reader.GetString(2), (byte[])reader[3],
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt64(7) != 0));
        }

        return Task.FromResult<IReadOnlyList<SealedMaterialRow>>(rows);
    }

    public async Task<bool> TryReplaceSealedMaterialAsync(string keyId, uint version, byte[] expected, byte[] replacement, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE key_materials SET sealed_material = $new WHERE key_id = $keyId AND version = $version AND sealed_material = $old";
        command.Add("$new", replacement);
        command.Add("$keyId", keyId);
        command.Add("$version", (long)version);
        command.Add("$old", expected);
        return command.ExecuteNonQuery() > 0;
    }
}

public sealed partial class SqliteCredentialStore
{
    public Task<IReadOnlyList<AccessKeyRecord>> ListAllAccessKeysAsync(string? afterAccessKeyId, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT access_key_id, account_id, principal_arn, principal_type, principal_id, sealed_secret, created_at, active
            FROM access_keys WHERE access_key_id > $after ORDER BY access_key_id LIMIT $limit
            """;
        command.Add("$after", afterAccessKeyId ?? string.Empty);
        command.Add("$limit", limit);
        using var reader = command.ExecuteReader();
        var records = new List<AccessKeyRecord>();
        while (reader.Read())
        {
            records.Add(new AccessKeyRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), Enum.Parse<PrincipalType>(reader.GetString(3)),
                reader.GetString(4), (byte[])reader[5], FromMillis(reader.GetInt64(6)), reader.GetInt64(7) != 0));
        }

        return Task.FromResult<IReadOnlyList<AccessKeyRecord>>(records);
    }

    public async Task<bool> TryReplaceSealedSecretAsync(string accessKeyId, byte[] expected, byte[] replacement, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE access_keys SET sealed_secret = $new WHERE access_key_id = $id AND sealed_secret = $old";
        command.Add("$new", replacement);
        command.Add("$id", accessKeyId);
        command.Add("$old", expected);
        return command.ExecuteNonQuery() > 0;
    }
}
