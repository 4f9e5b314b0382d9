using Microsoft.Data.Sqlite;
using Trent.Domain.Policies.Language;

namespace Trent.Storage.Sqlite;

/// <summary>
/// Rewrites every stored reference to a deleted user's or role's ARN as a principal into its unique ID, inside the
/// caller's (the deletion's) transaction, across all accounts: key policies, role trust policies and grants.
/// </summary>
internal static class SqlitePrincipalReferences
{
    // Candidates hold the ARN as written, or a backslash (an escape may spell it another way); PrincipalRewriter
    // then decides on the parsed policy. Keys on the default policy (NULL) name only their account.
    private const string KeyCandidates =
        @"SELECT account_id, region, key_id, policy FROM keys WHERE policy IS NOT NULL AND (instr(policy, $arn) > 0 OR instr(policy, '\') > 0)";

    private const string RoleCandidates =
        @"SELECT account_id, role_name_key, trust_policy FROM iam_roles WHERE instr(trust_policy, $arn) > 0 OR instr(trust_policy, '\') > 0";

    public static List<(string AccountId, string Region, string KeyId)> Rewrite(
        SqliteConnection connection, SqliteTransaction transaction, string arn, string uniqueId)
    {
        var keys = new List<(string AccountId, string Region, string KeyId)>();
        foreach (var (row, policy) in Candidates(connection, transaction, KeyCandidates, arn, 3))
        {
            if (PrincipalRewriter.Rewrite(policy, arn, uniqueId) is { } rewritten)
            {
                // A new row version makes a concurrent read-check-write of the key start over from the rewritten policy.
                Execute(
                    connection,
                    transaction,
                    "UPDATE keys SET policy = $p, row_version = row_version + 1 WHERE account_id = $a AND region = $r AND key_id = $k",
                    c =>
                    {
                        c.Add("$p", rewritten);
                        c.Add("$a", row[0]);
                        c.Add("$r", row[1]);
                        c.Add("$k", row[2]);
                    });
                keys.Add((row[0], row[1], row[2]));
            }
        }

        foreach (var (row, policy) in Candidates(connection, transaction, RoleCandidates, arn, 2))
        {
            if (PrincipalRewriter.Rewrite(policy, arn, uniqueId) is { } rewritten)
            {
                Execute(
                    connection,
                    transaction,
                    "UPDATE iam_roles SET trust_policy = $p WHERE account_id = $a AND role_name_key = $n",
                    c =>
                    {
                        c.Add("$p", rewritten);
                        c.Add("$a", row[0]);
                        c.Add("$n", row[1]);
                    });
            }
        }

        // Grant principals are plain ARNs (validated on CreateGrant), so an exact comparison finds them.
        Execute(
            connection,
            transaction,
            """
            UPDATE grants SET
                grantee_principal = CASE WHEN grantee_principal = $arn THEN $id ELSE grantee_principal END,
                retiring_principal = CASE WHEN retiring_principal = $arn THEN $id ELSE retiring_principal END
            WHERE grantee_principal = $arn OR retiring_principal = $arn
            """,
            c =>
            {
                c.Add("$arn", arn);
                c.Add("$id", uniqueId);
            });
        return keys;
    }

    /// <summary>The candidate rows: their first <paramref name="keyColumns"/> columns and the policy after them.</summary>
    private static List<(string[] Row, string Policy)> Candidates(
        SqliteConnection connection, SqliteTransaction transaction, string sql, string arn, int keyColumns)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Add("$arn", arn);
        using var reader = command.ExecuteReader();
        var rows = new List<(string[], string)>();
        while (reader.Read())
        {
            var row = new string[keyColumns];
            for (var i = 0; i < keyColumns; i++)
            {
                row[i] = reader.GetString(i);
            }

            rows.Add((row, reader.GetString(keyColumns)));
        }

        return rows;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteCommand> bind)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        command.ExecuteNonQuery();
    }
}
