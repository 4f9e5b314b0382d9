using Npgsql;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Storage;
using static Trent.Storage.Postgres.PostgresValues;

namespace Trent.Storage.Postgres;

public sealed class PostgresCustomKeyStoreStore(PostgresDatabase database) : ICustomKeyStoreStore
{
    private const string UniqueViolation = "23505";
    private const string Columns = """
        account_id, region, custom_key_store_id, name, cluster_id, trust_anchor, sealed_password, connection_state,
        connection_error_code, creation_date, row_version
        """;

    public async Task<CustomKeyStoreWrite> TryCreateAsync(CustomKeyStoreRecord store, CancellationToken cancellationToken)
    {
        if (!Storable(store.CustomKeyStoreName))
        {
            throw new ArgumentException("A custom key store name cannot hold U+0000.", nameof(store));
        }

        await using var command = database.DataSource.CreateCommand($"""
            INSERT INTO custom_key_stores ({Columns})
            VALUES (@account, @region, @id, @name, @cluster, @anchor, @password, @state, @error, @created, @version)
            """);
        AddRecord(command.Parameters, store);
        return await WriteAsync(command, store, cancellationToken).ConfigureAwait(false);
    }

    public Task<CustomKeyStoreRecord?> GetAsync(string accountId, string region, string customKeyStoreId, CancellationToken cancellationToken) =>
        GetWhereAsync("custom_key_store_id", accountId, region, customKeyStoreId, cancellationToken);

    public Task<CustomKeyStoreRecord?> GetByNameAsync(string accountId, string region, string name, CancellationToken cancellationToken) =>
        GetWhereAsync("name", accountId, region, name, cancellationToken);

    public async Task<CustomKeyStoreWrite> TryUpdateAsync(CustomKeyStoreRecord store, long expectedRowVersion, CancellationToken cancellationToken)
    {
        if (!Storable(store.CustomKeyStoreName))
        {
            throw new ArgumentException("A custom key store name cannot hold U+0000.", nameof(store));
        }

        await using var command = database.DataSource.CreateCommand("""
            UPDATE custom_key_stores
            SET name = @name, cluster_id = @cluster, sealed_password = @password, connection_state = @state,
                connection_error_code = @error, row_version = @version
            WHERE account_id = @account AND region = @region AND custom_key_store_id = @id AND row_version = @expected
            """);
        AddRecord(command.Parameters, store);
        command.Parameters.Bigint("expected", expectedRowVersion);
        return await WriteAsync(command, store, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryDeleteAsync(
        string accountId, string region, string customKeyStoreId, long expectedRowVersion, CancellationToken cancellationToken)
    {
        if (!Storable(customKeyStoreId))
        {
            return false;
        }

        await using var command = database.DataSource.CreateCommand("""
            DELETE FROM custom_key_stores
            WHERE account_id = @account AND region = @region AND custom_key_store_id = @id AND row_version = @expected
            """);
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("id", customKeyStoreId);
        command.Parameters.Bigint("expected", expectedRowVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<CustomKeyStoreRecord>> ListAsync(
        string accountId, string region, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"""
            SELECT {Columns} FROM custom_key_stores
            WHERE account_id = @account AND region = @region AND custom_key_store_id > @after
            ORDER BY custom_key_store_id LIMIT @limit
            """);
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("after", afterId ?? string.Empty);
        command.Parameters.Integer("limit", limit);
        return await ReadStoresAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CustomKeyStoreRecord>> ListInStateAsync(string connectionState, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {Columns} FROM custom_key_stores WHERE connection_state = @state ORDER BY custom_key_store_id");
        command.Parameters.Text("state", connectionState);
        return await ReadStoresAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CustomKeyStoreRecord?> GetWhereAsync(string column, string accountId, string region, string value, CancellationToken cancellationToken)
    {
        if (!Storable(value))
        {
            return null;
        }

        await using var command = database.DataSource.CreateCommand(
            $"SELECT {Columns} FROM custom_key_stores WHERE account_id = @account AND region = @region AND {column} = @value");
        command.Parameters.Text("account", accountId);
        command.Parameters.Text("region", region);
        command.Parameters.Text("value", value);
        return (await ReadStoresAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <summary>Runs one insert or update: nothing written is <see cref="CustomKeyStoreWrite.Changed"/>; a unique
    /// violation is the name's when another store of the account and Region has it (checked first, as the interface
    /// says, whichever constraint PostgreSQL happened to check first), else the cluster's.</summary>
    private async Task<CustomKeyStoreWrite> WriteAsync(NpgsqlCommand command, CustomKeyStoreRecord store, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? CustomKeyStoreWrite.Done : CustomKeyStoreWrite.Changed;
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName != "custom_key_stores_pkey")
        {
            await using var check = database.DataSource.CreateCommand("""
                SELECT EXISTS (SELECT 1 FROM custom_key_stores WHERE account_id = @account AND region = @region AND name = @name
                    AND custom_key_store_id <> @id)
                """);
            check.Parameters.Text("account", store.AccountId);
            check.Parameters.Text("region", store.Region);
            check.Parameters.Text("name", store.CustomKeyStoreName);
            check.Parameters.Text("id", store.CustomKeyStoreId);
            return (bool)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!
                ? CustomKeyStoreWrite.NameTaken
                : CustomKeyStoreWrite.ClusterInUse;
        }
    }

    private static void AddRecord(NpgsqlParameterCollection parameters, CustomKeyStoreRecord store)
    {
        parameters.Text("account", store.AccountId);
        parameters.Text("region", store.Region);
        parameters.Text("id", store.CustomKeyStoreId);
        parameters.Text("name", store.CustomKeyStoreName);
        parameters.Text("cluster", store.CloudHsmClusterId);
        parameters.Text("anchor", store.TrustAnchorCertificate);
        parameters.Bytes("password", store.SealedPassword);
        parameters.Text("state", store.ConnectionState);
        parameters.Text("error", store.ConnectionErrorCode);
        parameters.Bigint("created", ToMillis(store.CreationDate));
        parameters.Bigint("version", store.RowVersion);
    }

    private static async Task<List<CustomKeyStoreRecord>> ReadStoresAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stores = new List<CustomKeyStoreRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
                NullableString(reader, 8),
                FromMillis(reader.GetInt64(9)),
                reader.GetInt64(10)));
        }

        return stores;
    }
}
