using Npgsql;
using Trent.Domain.Storage;

namespace Trent.Storage.Postgres;

public sealed class PostgresStateReset(PostgresDatabase database) : IStateReset
{
    public async Task<StateResetCounts> ResetAsync(string keepAccountId, string keepAccessKeyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var removed = new Dictionary<string, int>();
        foreach (var (count, sql) in StateResetCounts.Statements)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            // Only the parameters the statement names: Npgsql sends every parameter given.
            if (sql.Contains("@account", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("account", keepAccountId);
            }

            if (sql.Contains("@accessKey", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("accessKey", keepAccessKeyId);
            }
            var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (count is not null)
            {
                removed[count] = rows;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StateResetCounts.From(removed);
    }
}
