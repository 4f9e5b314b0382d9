using Npgsql;
using Trent.Domain.Grants;
using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

public sealed class PostgresGrantStore(PostgresDatabase database) : IGrantStore
{
    private const string Columns = """
        grant_id, key_account_id, key_region, key_id, key_arn, name, grantee_principal, grantee_service_principal,
        retiring_principal, retiring_service_principal, operations, constraints, issuing_account, creation_date
        """;

    public async Task<bool> TryCreateGrantAsync(GrantRecord grant, int maxGrantsPerKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresLimits.LockAsync(connection, PostgresLimits.Grants, grant.KeyAccountId, grant.KeyRegion, grant.KeyId, cancellationToken)
            .ConfigureAwait(false);
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO grants ({Columns})
            SELECT @id, @a, @r, @k, @arn, @n, @gp, @gsp, @rp, @rsp, @ops, @c, @issuer, @created
            WHERE (SELECT count(*) FROM grants WHERE key_account_id = @a AND key_region = @r AND key_id = @k) < @max
            """,
            connection);
        var p = insert.Parameters;
        p.Text("id", grant.GrantId);
        p.Text("a", grant.KeyAccountId);
        p.Text("r", grant.KeyRegion);
        p.Text("k", grant.KeyId);
        p.Text("arn", grant.KeyArn);
        p.Text("n", grant.Name);
        p.Text("gp", grant.GranteePrincipal);
        p.Text("gsp", grant.GranteeServicePrincipal);
        p.Text("rp", grant.RetiringPrincipal);
        p.Text("rsp", grant.RetiringServicePrincipal);
        p.Text("ops", StoredJson.OperationsToJson(grant.Operations));
        p.Text("c", grant.Constraints is { } c ? StoredJson.ConstraintsToJson(c) : null);
        p.Text("issuer", grant.IssuingAccount);
        p.Bigint("created", ToMillis(grant.CreationDate));
        p.Bigint("max", maxGrantsPerKey);
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            return false;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<GrantRecord?> GetGrantAsync(string grantId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM grants WHERE grant_id = @id", p => p.Text("id", grantId), cancellationToken)
            .ConfigureAwait(false)).FirstOrDefault();

    public async Task<GrantRecord?> FindByNameAsync(string keyAccountId, string keyRegion, string keyId, string name, CancellationToken cancellationToken) =>
        (await QueryAsync(
            $"SELECT {Columns} FROM grants WHERE key_account_id = @a AND key_region = @r AND key_id = @k AND name = @n ORDER BY creation_date LIMIT 1",
            p =>
            {
                p.Text("a", keyAccountId);
                p.Text("r", keyRegion);
                p.Text("k", keyId);
                p.Text("n", name);
            },
            cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<GrantRecord>> ListGrantsAsync(
        string keyAccountId, string keyRegion, string keyId, string? afterGrantId, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {Columns} FROM grants WHERE key_account_id = @a AND key_region = @r AND key_id = @k AND grant_id > @after ORDER BY grant_id LIMIT @limit",
            p =>
            {
                p.Text("a", keyAccountId);
                p.Text("r", keyRegion);
                p.Text("k", keyId);
                p.Text("after", afterGrantId ?? string.Empty);
                p.Integer("limit", limit);
            },
            cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<GrantRecord>> ListGrantsForGranteesAsync(
        string keyAccountId, string keyRegion, string keyId, IReadOnlyList<string> grantees, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {Columns} FROM grants WHERE key_account_id = @a AND key_region = @r AND key_id = @k AND grantee_principal = ANY(@g)",
            p =>
            {
                p.Text("a", keyAccountId);
                p.Text("r", keyRegion);
                p.Text("k", keyId);
                p.TextArray("g", [.. grantees]);
            },
            cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<GrantRecord>> ListRetirableGrantsAsync(
        string retiringPrincipal, string? afterGrantId, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {Columns} FROM grants WHERE (retiring_principal = @p OR retiring_service_principal = @p) AND grant_id > @after ORDER BY grant_id LIMIT @limit",
            p =>
            {
                p.Text("p", retiringPrincipal);
                p.Text("after", afterGrantId ?? string.Empty);
                p.Integer("limit", limit);
            },
            cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteGrantAsync(string grantId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM grants WHERE grant_id = @id");
        command.Parameters.Text("id", grantId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<List<GrantRecord>> QueryAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var grants = new List<GrantRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            grants.Add(new GrantRecord
            {
                GrantId = reader.GetString(0),
                KeyAccountId = reader.GetString(1),
                KeyRegion = reader.GetString(2),
                KeyId = reader.GetString(3),
                KeyArn = reader.GetString(4),
                Name = NullableString(reader, 5),
                GranteePrincipal = NullableString(reader, 6),
                GranteeServicePrincipal = NullableString(reader, 7),
                RetiringPrincipal = NullableString(reader, 8),
                RetiringServicePrincipal = NullableString(reader, 9),
                Operations = StoredJson.OperationsFromJson(reader.GetString(10)),
                Constraints = NullableString(reader, 11) is { } json ? StoredJson.ConstraintsFromJson(json) : null,
                IssuingAccount = reader.GetString(12),
                CreationDate = FromMillis(reader.GetInt64(13)),
            });
        }

        return grants;
    }
}
