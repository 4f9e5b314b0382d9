using Npgsql;
using Trent.Domain.Identity;
using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

/// <summary>
/// Accounts, users, roles and inline policies. IAM names are unique case-insensitively, so each table keys
/// on the upper-cased name and keeps the name as given (as the embedded store does).
/// </summary>
public sealed class PostgresIdentityStore(PostgresDatabase database) : IIdentityStore
{
    private const string UserColumns = "account_id, user_name, user_id, path, arn, created_at, tags";
    private const string RoleColumns =
        "account_id, role_name, role_id, path, arn, created_at, trust_policy, description, max_session_duration, tags";

    public async Task<bool> TryCreateAccountAsync(AccountRecord account, CancellationToken cancellationToken) =>
        await WriteAsync(
            "INSERT INTO accounts (account_id, created_at) VALUES (@a, @c) ON CONFLICT DO NOTHING",
            p =>
            {
                p.Text("a", account.AccountId);
                p.Bigint("c", ToMillis(account.CreatedAt));
            },
            cancellationToken).ConfigureAwait(false) > 0;

    public Task<AccountRecord?> GetAccountAsync(string accountId, CancellationToken cancellationToken) =>
        ReadOneAsync(
            "SELECT account_id, created_at FROM accounts WHERE account_id = @a",
            p => p.Text("a", accountId),
            r => new AccountRecord(r.GetString(0), FromMillis(r.GetInt64(1))),
            cancellationToken);

    public async Task<bool> TryCreateUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        await WriteAsync(
            $"INSERT INTO iam_users (user_name_key, {UserColumns}) VALUES (@key, @a, @n, @id, @p, @arn, @c, @t) ON CONFLICT DO NOTHING",
            p =>
            {
                p.Text("key", user.UserName.ToUpperInvariant());
                p.Text("a", user.AccountId);
                p.Text("n", user.UserName);
                p.Text("id", user.UserId);
                p.Text("p", user.Path);
                p.Text("arn", user.Arn);
                p.Bigint("c", ToMillis(user.CreateDate));
                p.Text("t", StoredJson.IdentityTagsToJson(user.Tags));
            },
            cancellationToken).ConfigureAwait(false) > 0;

    public Task<UserRecord?> GetUserAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        ReadOneAsync(
            $"SELECT {UserColumns} FROM iam_users WHERE account_id = @a AND user_name_key = @key",
            p =>
            {
                p.Text("a", accountId);
                p.Text("key", userName.ToUpperInvariant());
            },
            ReadUser,
            cancellationToken);

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(string accountId, CancellationToken cancellationToken) =>
        ReadManyAsync($"SELECT {UserColumns} FROM iam_users WHERE account_id = @a ORDER BY user_name_key", p => p.Text("a", accountId), ReadUser, cancellationToken);

    public Task<IdentityDeletion?> DeleteUserAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        DeleteIdentityAsync("DELETE FROM iam_users WHERE account_id = @a AND user_name_key = @key RETURNING arn, user_id", accountId, userName, cancellationToken);

    public async Task<bool> TryCreateRoleAsync(RoleRecord role, CancellationToken cancellationToken) =>
        await WriteAsync(
            $"INSERT INTO iam_roles (role_name_key, {RoleColumns}) VALUES (@key, @a, @n, @id, @p, @arn, @c, @trust, @d, @max, @t) ON CONFLICT DO NOTHING",
            p =>
            {
                p.Text("key", role.RoleName.ToUpperInvariant());
                p.Text("a", role.AccountId);
                p.Text("n", role.RoleName);
                p.Text("id", role.RoleId);
                p.Text("p", role.Path);
                p.Text("arn", role.Arn);
                p.Bigint("c", ToMillis(role.CreateDate));
                p.Text("trust", role.AssumeRolePolicyDocument);
                p.Text("d", role.Description);
                p.Integer("max", role.MaxSessionDuration);
                p.Text("t", StoredJson.IdentityTagsToJson(role.Tags));
            },
            cancellationToken).ConfigureAwait(false) > 0;

    public Task<RoleRecord?> GetRoleAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        ReadOneAsync(
            $"SELECT {RoleColumns} FROM iam_roles WHERE account_id = @a AND role_name_key = @key",
            p =>
            {
                p.Text("a", accountId);
                p.Text("key", roleName.ToUpperInvariant());
            },
            ReadRole,
            cancellationToken);

    public Task<IReadOnlyList<RoleRecord>> ListRolesAsync(string accountId, CancellationToken cancellationToken) =>
        ReadManyAsync($"SELECT {RoleColumns} FROM iam_roles WHERE account_id = @a ORDER BY role_name_key", p => p.Text("a", accountId), ReadRole, cancellationToken);

    public Task<IdentityDeletion?> DeleteRoleAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        DeleteIdentityAsync("DELETE FROM iam_roles WHERE account_id = @a AND role_name_key = @key RETURNING arn, role_id", accountId, roleName, cancellationToken);

    public async Task PutPolicyAsync(InlinePolicyRecord policy, CancellationToken cancellationToken) =>
        await WriteAsync(
            """
            INSERT INTO iam_inline_policies (account_id, identity_kind, identity_name_key, policy_name, document)
            VALUES (@a, @k, @n, @p, @d)
            ON CONFLICT (account_id, identity_kind, identity_name_key, policy_name) DO UPDATE SET document = EXCLUDED.document
            """,
            p =>
            {
                p.Text("a", policy.AccountId);
                p.Text("k", policy.Kind.ToString());
                p.Text("n", policy.IdentityName.ToUpperInvariant());
                p.Text("p", policy.PolicyName);
                p.Text("d", policy.Document);
            },
            cancellationToken).ConfigureAwait(false);

    public Task<InlinePolicyRecord?> GetPolicyAsync(
        string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken) =>
        ReadOneAsync(
            """
            SELECT policy_name, document FROM iam_inline_policies
            WHERE account_id = @a AND identity_kind = @k AND identity_name_key = @n AND policy_name = @p
            """,
            p =>
            {
                p.Text("a", accountId);
                p.Text("k", kind.ToString());
                p.Text("n", identityName.ToUpperInvariant());
                p.Text("p", policyName);
            },
            r => new InlinePolicyRecord(accountId, kind, identityName, r.GetString(0), r.GetString(1)),
            cancellationToken);

    public Task<IReadOnlyList<InlinePolicyRecord>> ListPoliciesAsync(
        string accountId, IdentityKind kind, string identityName, CancellationToken cancellationToken) =>
        ReadManyAsync(
            """
            SELECT policy_name, document FROM iam_inline_policies
            WHERE account_id = @a AND identity_kind = @k AND identity_name_key = @n ORDER BY policy_name
            """,
            p =>
            {
                p.Text("a", accountId);
                p.Text("k", kind.ToString());
                p.Text("n", identityName.ToUpperInvariant());
            },
            r => new InlinePolicyRecord(accountId, kind, identityName, r.GetString(0), r.GetString(1)),
            cancellationToken);

    public async Task<bool> DeletePolicyAsync(string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken) =>
        await WriteAsync(
            "DELETE FROM iam_inline_policies WHERE account_id = @a AND identity_kind = @k AND identity_name_key = @n AND policy_name = @p",
            p =>
            {
                p.Text("a", accountId);
                p.Text("k", kind.ToString());
                p.Text("n", identityName.ToUpperInvariant());
                p.Text("p", policyName);
            },
            cancellationToken).ConfigureAwait(false) > 0;

    private static UserRecord ReadUser(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), FromMillis(r.GetInt64(5)), StoredJson.IdentityTagsFromJson(r.GetString(6)));

    private static RoleRecord ReadRole(NpgsqlDataReader r) =>
        new(
            r.GetString(0),
            r.GetString(1),
            r.GetString(2),
            r.GetString(3),
            r.GetString(4),
            FromMillis(r.GetInt64(5)),
            r.GetString(6),
            NullableString(r, 7),
            r.GetInt32(8),
            StoredJson.IdentityTagsFromJson(r.GetString(9)));

    /// <summary>Deletes the row <paramref name="deleteSql"/> names (returning its ARN and unique ID) and rewrites the
    /// policies and grants naming it, in one transaction.</summary>
    private async Task<IdentityDeletion?> DeleteIdentityAsync(string deleteSql, string accountId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string arn, uniqueId;
        await using (var delete = new NpgsqlCommand(deleteSql, connection))
        {
            delete.Parameters.Text("a", accountId);
            delete.Parameters.Text("key", name.ToUpperInvariant());
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (arn, uniqueId) = (reader.GetString(0), reader.GetString(1));
        }

        var keys = await PostgresPrincipalReferences.RewriteAsync(connection, arn, uniqueId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new IdentityDeletion(arn, uniqueId, keys);
    }

    private async Task<int> WriteAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        bind(command.Parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T?> ReadOneAsync<T>(
        string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class =>
        (await ReadManyAsync(sql, bind, read, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    private async Task<IReadOnlyList<T>> ReadManyAsync<T>(
        string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(reader));
        }

        return list;
    }
}
