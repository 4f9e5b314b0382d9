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

    /// <summary>Seconds to wait for a connection, unless the string says otherwise (Npgsql's own 15 would hold a
    /// request that long while the database is unreachable; a refused connection fails at once either way).</summary>
    private const int DefaultConnectTimeout = 5;

    /// <summary>Seconds a multi-host string's view of which host is the primary is trusted, unless the string says
    /// otherwise: after a failover, a node finds the promoted standby within about this (Npgsql's own is 10).</summary>
    private const int DefaultHostRecheckSeconds = 1;

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
            throw new PostgresStoreException($"not a valid PostgreSQL connection string: {e.Message}") { InvalidSetting = true };
        }

        // Npgsql's builder knows every keyword whether given or not; the plain parse tells what the operator wrote.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", string.Empty, StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("NoResetOnClose"))
        {
            // Trent keeps no session state on pooled connections (its advisory locks are transaction-scoped, it sets
            // no session settings), so the reset Npgsql otherwise sends with every reuse (seven statements, since
            // prepared statements are kept) is work for the database on every request and protects nothing.
            builder.NoResetOnClose = true;
        }

        if (!given.Contains("Timeout"))
        {
            builder.Timeout = DefaultConnectTimeout;
        }

        if (!given.Contains("HostRecheckSeconds"))
        {
            builder.HostRecheckSeconds = DefaultHostRecheckSeconds;
        }

        NpgsqlDataSource dataSource;
        try
        {
            dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // Combinations Npgsql refuses only when it builds the pool (Target Session Attributes with a single host).
            throw new PostgresStoreException($"not a valid PostgreSQL connection string: {e.Message}") { InvalidSetting = true };
        }

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

    /// <summary>Where a database is, for the start banner and the audit: never the password the string may hold.</summary>
    /// <exception cref="ArgumentException">Not a connection string.</exception>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"'{builder.Database}' on {builder.Host}" + (builder.Port != NpgsqlConnection.DefaultPort ? $":{builder.Port}" : string.Empty);
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
public sealed class PostgresStoreException(string message) : Exception(message)
{
    /// <summary>The connection string itself is at fault (not the database, its server or its schema).</summary>
    public bool InvalidSetting { get; init; }
}
