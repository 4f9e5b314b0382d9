using Npgsql;

namespace Trent.Storage.Postgres;

/// <summary>
/// Transaction-scoped advisory locks that make a count-then-insert atomic across nodes: every writer of the same
/// counted set (one key's grants, one key's aliases) takes the same lock first, so the count it reads stays true
/// until it commits. The key is a hash: two sets sharing one only wait for each other, never miscount.
/// </summary>
internal static class PostgresLimits
{
    public const int Grants = 1;
    public const int Aliases = 2;

    /// <summary>The first access key of an empty store (the bootstrap administrator).</summary>
    public const int FirstAccessKey = 3;

    /// <summary>Locks a set that is the whole table (the first access key).</summary>
    public static async Task LockAsync(NpgsqlConnection connection, int kind, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@kind, 0)", connection);
        command.Parameters.AddWithValue("kind", kind);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task LockAsync(NpgsqlConnection connection, int kind, string accountId, string region, string keyId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@kind, hashtext(@account || '/' || @region || '/' || @keyId))", connection);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("keyId", keyId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
