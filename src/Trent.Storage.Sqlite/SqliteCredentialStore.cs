using Trent.Domain.Auth;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

public sealed partial class SqliteCredentialStore(SqliteDatabase database) : ICredentialStore
{
    public Task<AccessKeyRecord?> GetAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT account_id, principal_arn, principal_type, principal_id, sealed_secret, created_at, active
            FROM access_keys WHERE access_key_id = $id
            """;
        command.Add("$id", accessKeyId);
        using var reader = command.ExecuteReader();
        AccessKeyRecord? record = reader.Read()
            ? new AccessKeyRecord(
                accessKeyId,
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<PrincipalType>(reader.GetString(2)),
                reader.GetString(3),
                (byte[])reader[4],
                FromMillis(reader.GetInt64(5)),
                reader.GetInt64(6) != 0)
            : null;
        return Task.FromResult(record);
    }

    public Task PutAccessKeyAsync(AccessKeyRecord record, CancellationToken cancellationToken)
    {
        Insert("INSERT OR REPLACE INTO access_keys", record, onlyFirst: false);
        return Task.CompletedTask;
    }

    public Task<bool> TryAddFirstAccessKeyAsync(AccessKeyRecord record, CancellationToken cancellationToken) =>
        Task.FromResult(Insert("INSERT INTO access_keys", record, onlyFirst: true));

    /// <summary>One statement, so <paramref name="onlyFirst"/>'s check and the insert are one atomic write.</summary>
    private bool Insert(string insert, AccessKeyRecord record, bool onlyFirst)
    {
        using var connection = database.OpenForWrite();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            {insert} (access_key_id, account_id, principal_arn, principal_type, principal_id, sealed_secret, created_at, active)
            SELECT $id, $account, $arn, $type, $principalId, $secret, $created, $active
            {(onlyFirst ? "WHERE NOT EXISTS (SELECT 1 FROM access_keys)" : string.Empty)}
            """;
        command.Add("$id", record.AccessKeyId);
        command.Add("$account", record.AccountId);
        command.Add("$arn", record.PrincipalArn);
        command.Add("$type", record.PrincipalType.ToString());
        command.Add("$principalId", record.PrincipalId);
        command.Add("$secret", record.SealedSecret);
        command.Add("$created", ToMillis(record.CreatedAt));
        command.Add("$active", record.Active ? 1 : 0);
        return command.ExecuteNonQuery() > 0;
    }

    public Task<int> CountAccessKeysAsync(CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM access_keys";
        return Task.FromResult(Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<IReadOnlyList<AccessKeyRecord>> ListAccessKeysAsync(string principalArn, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT access_key_id, account_id, principal_arn, principal_type, principal_id, sealed_secret, created_at, active
            FROM access_keys WHERE principal_arn = $arn ORDER BY created_at, access_key_id
            """;
        command.Add("$arn", principalArn);
        using var reader = command.ExecuteReader();
        var records = new List<AccessKeyRecord>();
        while (reader.Read())
        {
            records.Add(new AccessKeyRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                Enum.Parse<PrincipalType>(reader.GetString(3)),
                reader.GetString(4),
                (byte[])reader[5],
                FromMillis(reader.GetInt64(6)),
                reader.GetInt64(7) != 0));
        }

        return Task.FromResult<IReadOnlyList<AccessKeyRecord>>(records);
    }

    public Task<bool> DeleteAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        using var connection = database.OpenForWrite();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM access_keys WHERE access_key_id = $id";
        command.Add("$id", accessKeyId);
        return Task.FromResult(command.ExecuteNonQuery() > 0);
    }
}
