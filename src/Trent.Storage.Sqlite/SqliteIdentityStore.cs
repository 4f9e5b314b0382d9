using Microsoft.Data.Sqlite;
using Trent.Domain.Identity;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

/// <summary>
/// Accounts, users, roles and inline policies. IAM names are unique case-insensitively, so each table keys
/// on the upper-cased name and keeps the name as given.
/// </summary>
public sealed class SqliteIdentityStore(SqliteDatabase database) : IIdentityStore
{
    private const string UserColumns = "account_id, user_name, user_id, path, arn, created_at, tags";
    private const string RoleColumns =
        "account_id, role_name, role_id, path, arn, created_at, trust_policy, description, max_session_duration, tags";

    public Task<bool> TryCreateAccountAsync(AccountRecord account, CancellationToken cancellationToken) =>
        WriteAsync(
            "INSERT OR IGNORE INTO accounts (account_id, created_at) VALUES ($a, $c)",
            c =>
            {
                c.Add("$a", account.AccountId);
                c.Add("$c", ToMillis(account.CreatedAt));
            });

    public Task<AccountRecord?> GetAccountAsync(string accountId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadOne(
            "SELECT account_id, created_at FROM accounts WHERE account_id = $a",
            c => c.Add("$a", accountId),
            r => new AccountRecord(r.GetString(0), FromMillis(r.GetInt64(1)))));

    public Task<bool> TryCreateUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        WriteAsync(
            $"INSERT OR IGNORE INTO iam_users (user_name_key, {UserColumns}) VALUES ($key, $a, $n, $id, $p, $arn, $c, $t)",
            c =>
            {
                c.Add("$key", user.UserName.ToUpperInvariant());
                c.Add("$a", user.AccountId);
                c.Add("$n", user.UserName);
                c.Add("$id", user.UserId);
                c.Add("$p", user.Path);
                c.Add("$arn", user.Arn);
                c.Add("$c", ToMillis(user.CreateDate));
                c.Add("$t", StoredJson.IdentityTagsToJson(user.Tags));
            });

    public Task<UserRecord?> GetUserAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        Task.FromResult(ReadOne(
            $"SELECT {UserColumns} FROM iam_users WHERE account_id = $a AND user_name_key = $key",
            c =>
            {
                c.Add("$a", accountId);
                c.Add("$key", userName.ToUpperInvariant());
            },
            ReadUser));

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(string accountId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadMany($"SELECT {UserColumns} FROM iam_users WHERE account_id = $a ORDER BY user_name_key", c => c.Add("$a", accountId), ReadUser));

    public Task<IdentityDeletion?> DeleteUserAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        DeleteIdentityAsync("DELETE FROM iam_users WHERE account_id = $a AND user_name_key = $key RETURNING arn, user_id", accountId, userName);

    public Task<bool> TryCreateRoleAsync(RoleRecord role, CancellationToken cancellationToken) =>
        WriteAsync(
            $"INSERT OR IGNORE INTO iam_roles (role_name_key, {RoleColumns}) VALUES ($key, $a, $n, $id, $p, $arn, $c, $trust, $d, $max, $t)",
            c =>
            {
                c.Add("$key", role.RoleName.ToUpperInvariant());
                c.Add("$a", role.AccountId);
                c.Add("$n", role.RoleName);
                c.Add("$id", role.RoleId);
                c.Add("$p", role.Path);
                c.Add("$arn", role.Arn);
                c.Add("$c", ToMillis(role.CreateDate));
                c.Add("$trust", role.AssumeRolePolicyDocument);
                c.Add("$d", role.Description);
                c.Add("$max", role.MaxSessionDuration);
                c.Add("$t", StoredJson.IdentityTagsToJson(role.Tags));
            });

    public Task<RoleRecord?> GetRoleAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        Task.FromResult(ReadOne(
            $"SELECT {RoleColumns} FROM iam_roles WHERE account_id = $a AND role_name_key = $key",
            c =>
            {
                c.Add("$a", accountId);
                c.Add("$key", roleName.ToUpperInvariant());
            },
            ReadRole));

    public Task<IReadOnlyList<RoleRecord>> ListRolesAsync(string accountId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadMany($"SELECT {RoleColumns} FROM iam_roles WHERE account_id = $a ORDER BY role_name_key", c => c.Add("$a", accountId), ReadRole));

    public Task<IdentityDeletion?> DeleteRoleAsync(string accountId, string roleName, CancellationToken cancellationToken) =>
        DeleteIdentityAsync("DELETE FROM iam_roles WHERE account_id = $a AND role_name_key = $key RETURNING arn, role_id", accountId, roleName);

    public Task PutPolicyAsync(InlinePolicyRecord policy, CancellationToken cancellationToken)
    {
        return WriteAsync(
            """
            INSERT OR REPLACE INTO iam_inline_policies (account_id, identity_kind, identity_name_key, policy_name, document)
            VALUES ($a, $k, $n, $p, $d)
            """,
            c =>
            {
                c.Add("$a", policy.AccountId);
                c.Add("$k", policy.Kind.ToString());
                c.Add("$n", policy.IdentityName.ToUpperInvariant());
                c.Add("$p", policy.PolicyName);
                c.Add("$d", policy.Document);
            });
    }

    public Task<InlinePolicyRecord?> GetPolicyAsync(
        string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken) =>
        Task.FromResult(ReadOne(
            """
            SELECT policy_name, document FROM iam_inline_policies
            WHERE account_id = $a AND identity_kind = $k AND identity_name_key = $n AND policy_name = $p
            """,
            c =>
            {
                c.Add("$a", accountId);
                c.Add("$k", kind.ToString());
                c.Add("$n", identityName.ToUpperInvariant());
                c.Add("$p", policyName);
            },
            r => new InlinePolicyRecord(accountId, kind, identityName, r.GetString(0), r.GetString(1))));

    public Task<IReadOnlyList<InlinePolicyRecord>> ListPoliciesAsync(
        string accountId, IdentityKind kind, string identityName, CancellationToken cancellationToken) =>
        Task.FromResult(ReadMany(
            """
            SELECT policy_name, document FROM iam_inline_policies
            WHERE account_id = $a AND identity_kind = $k AND identity_name_key = $n ORDER BY policy_name
            """,
            c =>
            {
                c.Add("$a", accountId);
                c.Add("$k", kind.ToString());
                c.Add("$n", identityName.ToUpperInvariant());
            },
            r => new InlinePolicyRecord(accountId, kind, identityName, r.GetString(0), r.GetString(1))));

    public Task<bool> DeletePolicyAsync(string accountId, IdentityKind kind, string identityName, string policyName, CancellationToken cancellationToken) =>
        WriteAsync(
            "DELETE FROM iam_inline_policies WHERE account_id = $a AND identity_kind = $k AND identity_name_key = $n AND policy_name = $p",
            c =>
            {
                c.Add("$a", accountId);
                c.Add("$k", kind.ToString());
                c.Add("$n", identityName.ToUpperInvariant());
                c.Add("$p", policyName);
            });

    private static UserRecord ReadUser(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), FromMillis(r.GetInt64(5)), StoredJson.IdentityTagsFromJson(r.GetString(6)));

    private static RoleRecord ReadRole(SqliteDataReader r) =>
        new(
            r.GetString(0),
            r.GetString(1),
            r.GetString(2),
            r.GetString(3),
            r.GetString(4),
            FromMillis(r.GetInt64(5)),
            r.GetString(6),
            r.IsDBNull(7) ? null : r.GetString(7),
            r.GetInt32(8),
            StoredJson.IdentityTagsFromJson(r.GetString(9)));

    /// <summary>Deletes the row <paramref name="deleteSql"/> names (returning its ARN and unique ID) and rewrites the
    /// policies and grants naming it, in one transaction.</summary>
    private async Task<IdentityDeletion?> DeleteIdentityAsync(string deleteSql, string accountId, string name)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        string arn, uniqueId;
        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = deleteSql;
            delete.Add("$a", accountId);
            delete.Add("$key", name.ToUpperInvariant());
            using var reader = delete.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            (arn, uniqueId) = (reader.GetString(0), reader.GetString(1));
        }

        var keys = SqlitePrincipalReferences.Rewrite(connection.Connection, transaction, arn, uniqueId);
        transaction.Commit();
        return new IdentityDeletion(arn, uniqueId, keys);
    }

    /// <summary>Runs one write statement in the writer's turn; true when it changed a row.</summary>
    private async Task<bool> WriteAsync(string sql, Action<SqliteCommand> bind)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return command.ExecuteNonQuery() > 0;
    }

    private T? ReadOne<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read)
        where T : class
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        return reader.Read() ? read(reader) : null;
    }

    private IReadOnlyList<T> ReadMany<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(read(reader));
        }

        return list;
    }
}
