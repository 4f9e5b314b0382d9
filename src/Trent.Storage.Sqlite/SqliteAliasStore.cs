using Microsoft.Data.Sqlite;
using Trent.Domain.Aliases;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

public sealed class SqliteAliasStore(SqliteDatabase database) : IAliasStore
{
    private const string AliasColumns = "account_id, region, alias_name, target_key_id, creation_date, last_updated_date";

    public async Task<AliasCreation> TryCreateAliasAsync(AliasRecord alias, int maxAliasesPerKey, CancellationToken cancellationToken)
    {
        // The writer turn and an immediate transaction keep the count true until the insert commits.
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var transaction = connection.Connection.BeginTransaction(deferred: false);
        using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = "SELECT COUNT(*) FROM aliases WHERE account_id = $account AND region = $region AND target_key_id = $target";
            count.Add("$account", alias.AccountId);
            count.Add("$region", alias.Region);
            count.Add("$target", alias.TargetKeyId);
            if (Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) >= maxAliasesPerKey)
            {
                return AliasCreation.LimitExceeded;
            }
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO aliases ({AliasColumns}) VALUES ($account, $region, $name, $target, $created, $updated)
            ON CONFLICT DO NOTHING
            """;
        command.Add("$account", alias.AccountId);
        command.Add("$region", alias.Region);
        command.Add("$name", alias.AliasName);
        command.Add("$target", alias.TargetKeyId);
        command.Add("$created", ToMillis(alias.CreationDate));
        command.Add("$updated", ToMillis(alias.LastUpdatedDate));
        if (command.ExecuteNonQuery() != 1)
        {
            return AliasCreation.NameTaken;
        }

        transaction.Commit();
        return AliasCreation.Created;
    }

    public Task<AliasRecord?> GetAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AliasColumns} FROM aliases WHERE account_id = $account AND region = $region AND alias_name = $name";
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$name", aliasName);
        return Task.FromResult(ReadAliases(command).FirstOrDefault());
    }

    public async Task<bool> TryUpdateAliasAsync(
        string accountId, string region, string aliasName, string targetKeyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE aliases SET target_key_id = $target, last_updated_date = $updated
            WHERE account_id = $account AND region = $region AND alias_name = $name
            """;
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$name", aliasName);
        command.Add("$target", targetKeyId);
        command.Add("$updated", ToMillis(now));
        return command.ExecuteNonQuery() == 1;
    }

    public async Task<bool> DeleteAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM aliases WHERE account_id = $account AND region = $region AND alias_name = $name";
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$name", aliasName);
        return command.ExecuteNonQuery() == 1;
    }

    public Task<IReadOnlyList<AliasRecord>> ListAliasesAsync(
        string accountId, string region, string? targetKeyId, string? afterAliasName, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {AliasColumns} FROM aliases
            WHERE account_id = $account AND region = $region AND alias_name > $after
              AND ($target IS NULL OR target_key_id = $target)
            ORDER BY alias_name LIMIT $limit
            """;
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$after", afterAliasName ?? string.Empty);
        command.Add("$target", targetKeyId);
        command.Add("$limit", limit);
        return Task.FromResult<IReadOnlyList<AliasRecord>>(ReadAliases(command));
    }

    private static List<AliasRecord> ReadAliases(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var aliases = new List<AliasRecord>();
        while (reader.Read())
        {
            aliases.Add(new AliasRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                FromMillis(reader.GetInt64(4)),
                FromMillis(reader.GetInt64(5))));
        }

        return aliases;
    }
}
