using Microsoft.Data.Sqlite;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Storage;
using static Trent.Storage.Sqlite.SqliteValues;

namespace Trent.Storage.Sqlite;

public sealed class SqliteCustomKeyStoreStore(SqliteDatabase database) : ICustomKeyStoreStore
{
    private const string Columns = """
        account_id, region, custom_key_store_id, name, cluster_id, trust_anchor, sealed_password, connection_state,
        connection_error_code, creation_date, row_version
        """;

    public async Task<CustomKeyStoreWrite> TryCreateAsync(CustomKeyStoreRecord store, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO custom_key_stores ({Columns})
            VALUES ($account, $region, $id, $name, $cluster, $anchor, $password, $state, $error, $created, $version)
            ON CONFLICT DO NOTHING
            """;
        AddRecord(command, store);
        return command.ExecuteNonQuery() == 1 ? CustomKeyStoreWrite.Done : Conflict(connection.Connection, store);
    }

    public Task<CustomKeyStoreRecord?> GetAsync(string accountId, string region, string customKeyStoreId, CancellationToken cancellationToken) =>
        GetWhereAsync("custom_key_store_id", accountId, region, customKeyStoreId);

    public Task<CustomKeyStoreRecord?> GetByNameAsync(string accountId, string region, string name, CancellationToken cancellationToken) =>
        GetWhereAsync("name", accountId, region, name);

    public async Task<CustomKeyStoreWrite> TryUpdateAsync(CustomKeyStoreRecord store, long expectedRowVersion, CancellationToken cancellationToken)
    {
        // The writer turn makes the version check, the uniqueness checks and the update one step.
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE OR IGNORE custom_key_stores
            SET name = $name, cluster_id = $cluster, sealed_password = $password, connection_state = $state,
                connection_error_code = $error, row_version = $version
            WHERE account_id = $account AND region = $region AND custom_key_store_id = $id AND row_version = $expected
            """;
        AddRecord(command, store);
        command.Add("$expected", expectedRowVersion);
        if (command.ExecuteNonQuery() == 1)
        {
            return CustomKeyStoreWrite.Done;
        }

        var current = ReadStores(Select(connection.Connection, "custom_key_store_id", store.AccountId, store.Region, store.CustomKeyStoreId)).FirstOrDefault();
        return current is null || current.RowVersion != expectedRowVersion ? CustomKeyStoreWrite.Changed : Conflict(connection.Connection, store);
    }

    public async Task<bool> TryDeleteAsync(
        string accountId, string region, string customKeyStoreId, long expectedRowVersion, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenForWriteAsync().ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM custom_key_stores
            WHERE account_id = $account AND region = $region AND custom_key_store_id = $id AND row_version = $expected
            """;
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$id", customKeyStoreId);
        command.Add("$expected", expectedRowVersion);
        return command.ExecuteNonQuery() == 1;
    }

    public Task<IReadOnlyList<CustomKeyStoreRecord>> ListAsync(
        string accountId, string region, string? afterId, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM custom_key_stores
            WHERE account_id = $account AND region = $region AND custom_key_store_id > $after
            ORDER BY custom_key_store_id LIMIT $limit
            """;
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$after", afterId ?? string.Empty);
        command.Add("$limit", limit);
        return Task.FromResult<IReadOnlyList<CustomKeyStoreRecord>>(ReadStores(command));
    }

    public Task<IReadOnlyList<CustomKeyStoreRecord>> ListInStateAsync(string connectionState, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM custom_key_stores WHERE connection_state = $state ORDER BY custom_key_store_id";
        command.Add("$state", connectionState);
        return Task.FromResult<IReadOnlyList<CustomKeyStoreRecord>>(ReadStores(command));
    }

    private Task<CustomKeyStoreRecord?> GetWhereAsync(string column, string accountId, string region, string value)
    {
        using var connection = database.Open();
        using var command = Select(connection.Connection, column, accountId, region, value);
        return Task.FromResult(ReadStores(command).FirstOrDefault());
    }

    private static SqliteCommand Select(SqliteConnection connection, string column, string accountId, string region, string value)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM custom_key_stores WHERE account_id = $account AND region = $region AND {column} = $value";
        command.Add("$account", accountId);
        command.Add("$region", region);
        command.Add("$value", value);
        return command;
    }

    /// <summary>Which uniqueness rule a write that did nothing ran into: the name first, as the interface says.</summary>
    private static CustomKeyStoreWrite Conflict(SqliteConnection connection, CustomKeyStoreRecord store)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM custom_key_stores WHERE account_id = $account AND region = $region AND name = $name
                AND custom_key_store_id <> $id)
            """;
        command.Add("$account", store.AccountId);
        command.Add("$region", store.Region);
        command.Add("$name", store.CustomKeyStoreName);
        command.Add("$id", store.CustomKeyStoreId);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1
            ? CustomKeyStoreWrite.NameTaken
            : CustomKeyStoreWrite.ClusterInUse;
    }

    private static void AddRecord(SqliteCommand command, CustomKeyStoreRecord store)
    {
        command.Add("$account", store.AccountId);
        command.Add("$region", store.Region);
        command.Add("$id", store.CustomKeyStoreId);
        command.Add("$name", store.CustomKeyStoreName);
        command.Add("$cluster", store.CloudHsmClusterId);
        command.Add("$anchor", store.TrustAnchorCertificate);
        command.Add("$password", store.SealedPassword);
        command.Add("$state", store.ConnectionState);
        command.Add("$error", store.ConnectionErrorCode);
        command.Add("$created", ToMillis(store.CreationDate));
        command.Add("$version", store.RowVersion);
    }

    private static List<CustomKeyStoreRecord> ReadStores(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var stores = new List<CustomKeyStoreRecord>();
        while (reader.Read())
        {
            stores.Add(new CustomKeyStoreRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                (byte[])reader.GetValue(6),
                reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                FromMillis(reader.GetInt64(9)),
                reader.GetInt64(10)));
        }

        return stores;
    }
}
