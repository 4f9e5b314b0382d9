using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Trent.Storage.Sqlite;

/// <summary>
/// The embedded database file. WAL journaling lets readers run beside the single writer, and
/// <c>synchronous=FULL</c> makes every committed transaction durable before the call returns,
/// so an acknowledged write survives <c>kill -9</c> and power loss.
/// Connections are kept open in a small pool of our own, with their pragmas applied once when opened,
/// so a request pays neither an open nor a pragma.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private const int MaxIdleConnections = 32;
    private readonly string _connectionString;
    private readonly ConcurrentBag<SqliteConnection> _idle = [];

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public void Initialize()
    {
        using var connection = Open();
        Execute(connection.Connection, "PRAGMA journal_mode=WAL;");
        Execute(connection.Connection, SqliteSchema.Create);
    }

    /// <summary>A connection for the caller's exclusive use until the lease is disposed.</summary>
    public PooledConnection Open()
    {
        if (!_idle.TryTake(out var connection))
        {
            connection = new SqliteConnection(_connectionString);
            connection.Open();
            Execute(connection, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        }

        return new PooledConnection(connection, this);
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    internal void Return(SqliteConnection connection)
    {
        // A connection returned inside a failed transaction would poison the next user.
        if (_idle.Count < MaxIdleConnections && connection.State == System.Data.ConnectionState.Open)
        {
            _idle.Add(connection);
        }
        else
        {
            connection.Dispose();
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>A pooled connection; disposing it returns the connection to the pool.</summary>
public readonly struct PooledConnection(SqliteConnection connection, SqliteDatabase database) : IDisposable
{
    public SqliteConnection Connection { get; } = connection;

    public SqliteCommand CreateCommand() => Connection.CreateCommand();

    public SqliteTransaction BeginTransaction() => Connection.BeginTransaction();

    public void Dispose() => database.Return(Connection);
}
