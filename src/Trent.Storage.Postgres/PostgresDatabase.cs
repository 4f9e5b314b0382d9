using Npgsql;

namespace Trent.Storage.Postgres;

/// <summary>
/// A shared PostgreSQL database: one pooled <see cref="NpgsqlDataSource"/> per node, whose hot statements
/// Npgsql prepares on each pooled connection (<c>Max Auto Prepare</c>). Opening it brings the schema up to date.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>Statements kept prepared per connection, unless the connection string says otherwise.</summary>
    private const int DefaultMaxAutoPrepare = 128;

    // Any fixed number, the same on every node: the advisory lock that makes one node migrate at a time.
    private const long MigrationLock = 0x5472656e74_5347; // "Trent" "SG"

    private PostgresDatabase(NpgsqlDataSource dataSource, NpgsqlDataSource listening)
    {
        DataSource = dataSource;
        ListeningSource = listening;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Unpooled connections for <see cref="PostgresChangeListener"/>: one long-lived connection per node,
    /// with TCP keepalives so that a silently dead link is noticed.</summary>
    internal NpgsqlDataSource ListeningSource { get; }

    /// <summary>Connects and applies the missing migrations; several nodes starting at once migrate exactly once.</summary>
    /// <exception cref="PostgresStoreException">The connection string is invalid, the database unreachable, or its
    /// schema newer than this version of Trent knows.</exception>
    public static async Task<PostgresDatabase> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new PostgresStoreException($"not a valid PostgreSQL connection string: {e.Message}");
        }

        // Npgsql's builder knows every keyword whether given or not; the plain parse tells what the operator wrote.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }

        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        try
        {
            await MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
            var listening = new NpgsqlConnectionStringBuilder(builder.ConnectionString) 
            {
                Pooling = false, TcpKeepAlive = true, KeepAlive = 5, ApplicationName = PostgresChangeListener.ApplicationName,
            };
            return new PostgresDatabase(dataSource, new NpgsqlDataSourceBuilder(listening.ConnectionString).Build());
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new PostgresStoreException($"cannot use the PostgreSQL database: {OneLine(e)}");
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema version the database is at (for tests and diagnostics).</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM schema_version");
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async ValueTask DisposeAsync()
    {
        await ListeningSource.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        ListeningSource.Dispose();
        DataSource.Dispose();
    }

    private static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Held until commit: a node starting beside this one waits here, then finds the schema current.
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        int current;
        await using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (current > PostgresSchema.Latest)
        {
            throw new PostgresStoreException(
                $"the PostgreSQL database has schema version {current}, newer than this Trent knows ({PostgresSchema.Latest}): upgrade Trent.");
        }

        foreach (var (version, sql) in PostgresSchema.Migrations.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (@v)", connection);
            record.Parameters.AddWithValue("v", version);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string OneLine(Exception e) =>
        (e.InnerException is { } inner && e.Message.Contains("see inner exception", StringComparison.OrdinalIgnoreCase) ? inner.Message : e.Message)
            .ReplaceLineEndings(" ");
}

/// <summary>The store cannot be used as configured; the message is one line meant for the operator.</summary>
public sealed class PostgresStoreException(string message) : Exception(message);
