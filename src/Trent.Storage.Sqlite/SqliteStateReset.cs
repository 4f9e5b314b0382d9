using Trent.Domain.Storage;

namespace Trent.Storage.Sqlite;

public sealed class SqliteStateReset(SqliteDatabase database) : IStateReset
{
    public async Task<StateResetCounts> ResetAsync(string keepAccountId, string keepAccessKeyId, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var transaction = connection.Connection.BeginTransaction(deferred: false);
        var removed = new Dictionary<string, int>();
        foreach (var (count, sql) in StateResetCounts.Statements)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("@account", keepAccountId);
            command.Parameters.AddWithValue("@accessKey", keepAccessKeyId);
            var rows = command.ExecuteNonQuery();
            if (count is not null)
            {
                removed[count] = rows;
            }
        }

        transaction.Commit();
        return StateResetCounts.From(removed);
    }
}
