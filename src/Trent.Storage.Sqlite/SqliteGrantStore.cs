using Microsoft.Data.Sqlite;
using Trent.Domain.Grants;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

public sealed class SqliteGrantStore(SqliteDatabase database) : IGrantStore
{
    private const string Columns = """
        grant_id, key_account_id, key_region, key_id, key_arn, name, grantee_principal, grantee_service_principal,
        retiring_principal, retiring_service_principal, operations, constraints, issuing_account, creation_date
        """;

    public async Task<bool> TryCreateGrantAsync(GrantRecord grant, int maxGrantsPerKey, CancellationToken cancellationToken)
    {
        // The writer turn and an immediate transaction keep the count true until the insert commits.
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var transaction = connection.Connection.BeginTransaction(deferred: false);
        using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = "SELECT COUNT(*) FROM grants WHERE key_account_id = $a AND key_region = $r AND key_id = $k";
            count.Add("$a", grant.KeyAccountId);
            count.Add("$r", grant.KeyRegion);
            count.Add("$k", grant.KeyId);
            if (Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) >= maxGrantsPerKey)
            {
                return false;
            }
        }

        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO grants ({Columns}) VALUES ($id, $a, $r, $k, $arn, $n, $gp, $gsp, $rp, $rsp, $ops, $c, $issuer, $created)";
            insert.Add("$id", grant.GrantId);
            insert.Add("$a", grant.KeyAccountId);
            insert.Add("$r", grant.KeyRegion);
            insert.Add("$k", grant.KeyId);
            insert.Add("$arn", grant.KeyArn);
            insert.Add("$n", grant.Name);
            insert.Add("$gp", grant.GranteePrincipal);
            insert.Add("$gsp", grant.GranteeServicePrincipal);
            insert.Add("$rp", grant.RetiringPrincipal);
            insert.Add("$rsp", grant.RetiringServicePrincipal);
            insert.Add("$ops", StoredJson.OperationsToJson(grant.Operations));
            insert.Add("$c", grant.Constraints is { } c ? StoredJson.ConstraintsToJson(c) : null);
            insert.Add("$issuer", grant.IssuingAccount);
            insert.Add("$created", ToMillis(grant.CreationDate));
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return true;
    }

    public Task<GrantRecord?> GetGrantAsync(string grantId, CancellationToken cancellationToken) =>
        Task.FromResult(Query($"SELECT {Columns} FROM grants WHERE grant_id = $id", c => c.Add("$id", grantId)).FirstOrDefault());

    public Task<GrantRecord?> FindByNameAsync(string keyAccountId, string keyRegion, string keyId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Query(
            $"SELECT {Columns} FROM grants WHERE key_account_id = $a AND key_region = $r AND key_id = $k AND name = $n ORDER BY creation_date LIMIT 1",
            c =>
            {
                c.Add("$a", keyAccountId);
                c.Add("$r", keyRegion);
                c.Add("$k", keyId);
                c.Add("$n", name);
            }).FirstOrDefault());

    public Task<IReadOnlyList<GrantRecord>> ListGrantsAsync(
        string keyAccountId, string keyRegion, string keyId, string? afterGrantId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GrantRecord>>(Query(
            $"SELECT {Columns} FROM grants WHERE key_account_id = $a AND key_region = $r AND key_id = $k AND grant_id > $after ORDER BY grant_id LIMIT $limit",
            c =>
            {
                c.Add("$a", keyAccountId);
                c.Add("$r", keyRegion);
                c.Add("$k", keyId);
                c.Add("$after", afterGrantId ?? string.Empty);
                c.Add("$limit", limit);
            }));

    public Task<IReadOnlyList<GrantRecord>> ListGrantsForGranteesAsync(
        string keyAccountId, string keyRegion, string keyId, IReadOnlyList<string> grantees, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GrantRecord>>(Query(
            $"SELECT {Columns} FROM grants WHERE key_account_id = $a AND key_region = $r AND key_id = $k AND grantee_principal IN ($g0, $g1)",
            c =>
            {
                c.Add("$a", keyAccountId);
                c.Add("$r", keyRegion);
                c.Add("$k", keyId);
                c.Add("$g0", grantees[0]);
                c.Add("$g1", grantees.Count > 1 ? grantees[1] : grantees[0]);
            }));

    public Task<IReadOnlyList<GrantRecord>> ListRetirableGrantsAsync(string retiringPrincipal, string? afterGrantId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GrantRecord>>(Query(
            $"SELECT {Columns} FROM grants WHERE (retiring_principal = $p OR retiring_service_principal = $p) AND grant_id > $after ORDER BY grant_id LIMIT $limit",
            c =>
            {
                c.Add("$p", retiringPrincipal);
                c.Add("$after", afterGrantId ?? string.Empty);
                c.Add("$limit", limit);
            }));

    public async Task<bool> DeleteGrantAsync(string grantId, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grants WHERE grant_id = $id";
        command.Add("$id", grantId);
        return command.ExecuteNonQuery() > 0;
    }

    private List<GrantRecord> Query(string sql, Action<SqliteCommand> bind)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        var grants = new List<GrantRecord>();
        while (reader.Read())
        {
            grants.Add(new GrantRecord
            {
                GrantId = reader.GetString(0),
                KeyAccountId = reader.GetString(1),
                KeyRegion = reader.GetString(2),
                KeyId = reader.GetString(3),
                KeyArn = reader.GetString(4),
                Name = Nullable(reader, 5),
                GranteePrincipal = Nullable(reader, 6),
                GranteeServicePrincipal = Nullable(reader, 7),
                RetiringPrincipal = Nullable(reader, 8),
                RetiringServicePrincipal = Nullable(reader, 9),
                Operations = StoredJson.OperationsFromJson(reader.GetString(10)),
                Constraints = Nullable(reader, 11) is { } json ? StoredJson.ConstraintsFromJson(json) : null,
                IssuingAccount = reader.GetString(12),
                CreationDate = FromMillis(reader.GetInt64(13)),
            });
        }

        return grants;
    }

    private static string? Nullable(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
