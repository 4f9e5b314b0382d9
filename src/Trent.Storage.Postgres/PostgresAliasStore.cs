using Npgsql;
using Trent.Domain.Aliases;
using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

public sealed class PostgresAliasStore(PostgresDatabase database) : IAliasStore
{
    private const string AliasColumns = "account_id, region, alias_name, target_key_id, creation_date, last_updated_date";

    public async Task<AliasCreation> TryCreateAliasAsync(AliasRecord alias, int maxAliasesPerKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresLimits.LockAsync(connection, PostgresLimits.Aliases, alias.AccountId, alias.Region, alias.TargetKeyId, cancellationToken)
            .ConfigureAwait(false);
        await using (var count = new NpgsqlCommand(
            "SELECT count(*) FROM aliases WHERE account_id = @account AND region = @region AND target_key_id = @target", connection))
        {
            count.Parameters.Text("account", alias.AccountId);
            count.Parameters.Text("region", alias.Region);
            count.Parameters.Text("target", alias.TargetKeyId);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! >= maxAliasesPerKey)
            {
                return AliasCreation.LimitExceeded;
            }
        }

        // A concurrent insert of the same name (for another key) waits for that one's commit, then does nothing.
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO aliases ({AliasColumns}) VALUES (@account, @region, @name, @target, @created, @updated)
            ON CONFLICT DO NOTHING
            """,
            connection);
        insert.Parameters.Text("account", alias.AccountId);
        insert.Parameters.Text("region", alias.Region);
        insert.Parameters.Text("name", alias.AliasName);
        insert.Parameters.Text("target", alias.TargetKeyId);
        insert.Parameters.Bigint("created", ToMillis(alias.CreationDate));
        insert.Parameters.Bigint("updated", ToMillis(alias.LastUpdatedDate));
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            return AliasCreation.NameTaken;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return AliasCreation.Created;
    }

    public async Task<AliasRecord?> GetAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken)
    {
        if (!Storable(aliasName))
        {
            return null;
        }

        await using var command = database.DataSource.CreateCommand(
            $"SELECT {AliasColumns} FROM aliases WHERE account_id = @account AND region = @region AND alias_name = @name");
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("name", aliasName);
        return (await ReadAliasesAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> TryUpdateAliasAsync(
        string accountId, string region, string aliasName, string targetKeyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!Storable(aliasName))
        {
            return false;
        }

        await using var command = database.DataSource.CreateCommand("""
            UPDATE aliases SET target_key_id = @target, last_updated_date = @updated
            WHERE account_id = @account AND region = @region AND alias_name = @name
            """);
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("name", aliasName);
        command.Parameters.Text("target", targetKeyId);
        command.Parameters.Bigint("updated", ToMillis(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> DeleteAliasAsync(string accountId, string region, string aliasName, CancellationToken cancellationToken)
    {
        if (!Storable(aliasName))
        {
            return false;
        }

        await using var command = database.DataSource.CreateCommand(
            "DELETE FROM aliases WHERE account_id = @account AND region = @region AND alias_name = @name");
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("name", aliasName);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<AliasRecord>> ListAliasesAsync(
        string accountId, string region, string? targetKeyId, string? afterAliasName, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"""
            SELECT {AliasColumns} FROM aliases
            WHERE account_id = @account AND region = @region AND alias_name > @after
              AND (@target::text IS NULL OR target_key_id = @target)
            ORDER BY alias_name LIMIT @limit
            """);
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("after", afterAliasName ?? string.Empty);
        command.Parameters.Text("target", targetKeyId);
        command.Parameters.Integer("limit", limit);
        return await ReadAliasesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<AliasRecord>> ReadAliasesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var aliases = new List<AliasRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
