using Npgsql;
using Trent.Domain.Auth;
using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

public sealed partial class PostgresCredentialStore(PostgresDatabase database) : ICredentialStore
{
    private const string Columns = "access_key_id, account_id, principal_arn, principal_type, principal_id, sealed_secret, created_at, active";
    private const string Values = "@id, @account, @arn, @type, @principalId, @secret, @created, @active";

    public async Task<AccessKeyRecord?> GetAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (!Storable(accessKeyId))
        {
            return null;
        }

        await using var command = database.DataSource.CreateCommand($"SELECT {Columns} FROM access_keys WHERE access_key_id = @id");
        command.Parameters.Text("id", accessKeyId);
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task PutAccessKeyAsync(AccessKeyRecord record, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"""
            INSERT INTO access_keys ({Columns}) VALUES ({Values})
            ON CONFLICT (access_key_id) DO UPDATE SET
                account_id = EXCLUDED.account_id, principal_arn = EXCLUDED.principal_arn, principal_type = EXCLUDED.principal_type,
                principal_id = EXCLUDED.principal_id, sealed_secret = EXCLUDED.sealed_secret, created_at = EXCLUDED.created_at,
                active = EXCLUDED.active
            """);
        AddValues(command.Parameters, record);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryAddFirstAccessKeyAsync(AccessKeyRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Read committed alone would let two nodes each see an empty table; the lock orders them.
        await PostgresLimits.LockAsync(connection, PostgresLimits.FirstAccessKey, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO access_keys ({Columns}) SELECT {Values} WHERE NOT EXISTS (SELECT 1 FROM access_keys)", connection);
        AddValues(command.Parameters, record);
        var added = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    private static void AddValues(NpgsqlParameterCollection p, AccessKeyRecord record)
    {
        p.Text("id", record.AccessKeyId);
        p.Text("account", record.AccountId);
        p.Text("arn", record.PrincipalArn);
        p.Text("type", record.PrincipalType.ToString());
        p.Text("principalId", record.PrincipalId);
        p.Bytes("secret", record.SealedSecret);
        p.Bigint("created", ToMillis(record.CreatedAt));
        p.Boolean("active", record.Active);
    }

    public async Task<int> CountAccessKeysAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM access_keys");
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<AccessKeyRecord>> ListAccessKeysAsync(string principalArn, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {Columns} FROM access_keys WHERE principal_arn = @arn ORDER BY created_at, access_key_id");
        command.Parameters.Text("arn", principalArn);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM access_keys WHERE access_key_id = @id");
        command.Parameters.Text("id", accessKeyId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task<List<AccessKeyRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<AccessKeyRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new AccessKeyRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                Enum.Parse<PrincipalType>(reader.GetString(3)),
                reader.GetString(4),
                reader.GetFieldValue<byte[]>(5),
                FromMillis(reader.GetInt64(6)),
                reader.GetBoolean(7)));
        }

        return records;
    }
}
