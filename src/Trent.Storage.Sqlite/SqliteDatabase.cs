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
    private readonly ConcurrentBag<ConnectionSlot> _idle = [];

    // SQLite has one writer at a time. Queueing writers here, in order, replaces SQLite's busy-retry
    // with sleeps, which under contention gives some writers second-long waits.
    private readonly SemaphoreSlim _writer = new(1, 1);

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
        Trent.Crypto.PrivateFiles.EnsureDatabase(Path);
        using var connection = Open();
        Execute(connection.Connection, "PRAGMA journal_mode=WAL;");
        AddMissingColumns(connection.Connection);
        Execute(connection.Connection, SqliteSchema.Create);
        Trent.Crypto.PrivateFiles.EnsureDatabase(Path); // the -wal and -shm files WAL mode just made
    }

    private static void AddMissingColumns(SqliteConnection connection)
    {
        foreach (var (table, column, definition) in SqliteSchema.AddedColumns)
        {
            using var check = connection.CreateCommand();
            check.CommandText = $"SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'), (SELECT count(*) FROM pragma_table_info('{table}') WHERE name = '{column}')";
            using var reader = check.ExecuteReader();
            reader.Read();
            var tableExists = reader.GetInt64(0) > 0;
            var columnExists = reader.GetInt64(1) > 0;
            reader.Close();
            if (tableExists && !columnExists)
            {
                Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition};");
            }
        }
    }

    /// <summary>A connection for a write, holding this process's writer turn until the lease is disposed. A
    /// request waits for its turn without holding a thread (not cancellable: a write asked for is done whole, as
    /// before). The write itself still commits, synchronous=FULL, before the caller's task completes.</summary>
    public async ValueTask<PooledConnection> OpenForWriteAsync()
    {
        await _writer.WaitAsync().ConfigureAwait(false);

        try
        {
            return Open() with { WriterTurn = _writer };
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    /// <summary>A connection for the caller's exclusive use until the lease is disposed.</summary>
    public PooledConnection Open()
    {
        if (!_idle.TryTake(out var slot))
        {
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            // Memory-mapped reads spare a system call per page on large stores (address space, not memory).
            Execute(connection, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA mmap_size=1073741824;");
            slot = new ConnectionSlot(connection);
        }

        return new PooledConnection(slot, this);
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var slot))
        {
            slot.Dispose();
        }

        _writer.Dispose();
    }

    internal void Return(ConnectionSlot slot)
    {
        if (_idle.Count < MaxIdleConnections && slot.Connection.State == System.Data.ConnectionState.Open)
        {
            _idle.Add(slot);
        }
        else
        {
            slot.Dispose();
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>An open connection and the statements prepared on it for the hot path.</summary>
internal sealed class ConnectionSlot(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    public SqliteCommand Prepared(string sql)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _prepared[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        Connection.Dispose();
    }
}

/// <summary>A pooled connection; disposing it returns the connection to the pool.</summary>
public readonly struct PooledConnection : IDisposable
{
    private readonly ConnectionSlot _slot;
    private readonly SqliteDatabase _database;

    internal PooledConnection(ConnectionSlot slot, SqliteDatabase database)
    {
        _slot = slot;
        _database = database;
    }

    public SqliteConnection Connection => _slot.Connection;

    public SqliteCommand CreateCommand() => Connection.CreateCommand();

    /// <summary>A statement kept prepared on this connection, for frequent reads outside transactions.
    /// Do not dispose it; it lives as long as the connection.</summary>
    public SqliteCommand Prepared(string sql) => _slot.Prepared(sql);

    public SqliteTransaction BeginTransaction() => Connection.BeginTransaction();

    /// <summary>Set for a write lease: released after the connection goes back to the pool.</summary>
    internal SemaphoreSlim? WriterTurn { get; init; }

    public void Dispose()
    {
        _database.Return(_slot);
        WriterTurn?.Release();
    }
}
