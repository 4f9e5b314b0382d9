using Npgsql;
using Trent.Domain.Policies.Language;

namespace Trent.Storage.Postgres;

/// <summary>
/// Rewrites every stored reference to a deleted user's or role's ARN as a principal into its unique ID, inside the
/// caller's (the deletion's) transaction, across all accounts: key policies, role trust policies and grants.
/// </summary>
internal static class PostgresPrincipalReferences
{
    // Candidates hold the ARN as written, or a backslash (an escape may spell it another way); PrincipalRewriter
    // then decides on the parsed policy. Keys on the default policy (NULL) name only their account. The rows are
    // locked, so that a concurrent policy write (another node's) is not overwritten by the rewrite of the old text.
    private const string KeyCandidates =
        @"SELECT account_id, region, key_id, policy FROM keys WHERE policy IS NOT NULL AND (strpos(policy, @arn) > 0 OR strpos(policy, '\') > 0) FOR UPDATE";

    private const string RoleCandidates =
        @"SELECT account_id, role_name_key, trust_policy FROM iam_roles WHERE strpos(trust_policy, @arn) > 0 OR strpos(trust_policy, '\') > 0 FOR UPDATE";

    public static async Task<List<(string AccountId, string Region, string KeyId)>> RewriteAsync(
        NpgsqlConnection connection, string arn, string uniqueId, CancellationToken cancellationToken)
    {
        var keys = new List<(string AccountId, string Region, string KeyId)>();
        foreach (var (row, policy) in await CandidatesAsync(connection, KeyCandidates, arn, 3, cancellationToken).ConfigureAwait(false))
        {
            if (PrincipalRewriter.Rewrite(policy, arn, uniqueId) is { } rewritten)
            {
                // A new row version makes a concurrent read-check-write of the key start over from the rewritten policy.
                await ExecuteAsync(
                    connection,
                    "UPDATE keys SET policy = @p, row_version = row_version + 1 WHERE account_id = @a AND region = @r AND key_id = @k",
                    p =>
                    {
                        p.Text("p", rewritten);
                        p.Text("a", row[0]);
                        p.Text("r", row[1]);
                        p.Text("k", row[2]);
                    },
                    cancellationToken).ConfigureAwait(false);
                keys.Add((row[0], row[1], row[2]));
            }
        }

        foreach (var (row, policy) in await CandidatesAsync(connection, RoleCandidates, arn, 2, cancellationToken).ConfigureAwait(false))
        {
            if (PrincipalRewriter.Rewrite(policy, arn, uniqueId) is { } rewritten)
            {
                await ExecuteAsync(
                    connection,
                    "UPDATE iam_roles SET trust_policy = @p WHERE account_id = @a AND role_name_key = @n",
                    p =>
                    {
                        p.Text("p", rewritten);
                        p.Text("a", row[0]);
                        p.Text("n", row[1]);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }

        // Grant principals are plain ARNs (validated on CreateGrant), so an exact comparison finds them.
        await ExecuteAsync(
            connection,
            """
            UPDATE grants SET
                grantee_principal = CASE WHEN grantee_principal = @arn THEN @id ELSE grantee_principal END,
                retiring_principal = CASE WHEN retiring_principal = @arn THEN @id ELSE retiring_principal END
            WHERE grantee_principal = @arn OR retiring_principal = @arn
            """,
            p =>
            {
                p.Text("arn", arn);
                p.Text("id", uniqueId);
            },
            cancellationToken).ConfigureAwait(false);
        return keys;
    }

    /// <summary>The candidate rows: their first <paramref name="keyColumns"/> columns and the policy after them.</summary>
    private static async Task<List<(string[] Row, string Policy)>> CandidatesAsync(
        NpgsqlConnection connection, string sql, string arn, int keyColumns, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Text("arn", arn);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(string[], string)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        bind(command.Parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
