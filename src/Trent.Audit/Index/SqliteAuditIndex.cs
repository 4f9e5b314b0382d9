using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Trent.Audit.Files;
using Trent.Domain.Audit;

namespace Trent.Audit.Index;

/// <summary>
/// Keeps the audit search index (see <see cref="AuditIndexSchema"/>) and the per-key last usage up to date
/// from the committed audit stream: the log writer only hands each durable batch over, and one background
/// writer, at a low CPU priority, inserts them in large transactions: under full load it yields the CPU to
/// requests and falls behind (past a bound, it reads the records back from the sealed files instead). Sealed files not yet indexed (a previous run's, another
/// node's, or all of them after the index was deleted) are indexed at start, so the index converges on the trail.
/// </summary>
public sealed partial class SqliteAuditIndex : IAuditEventIndex, IAuditIndexFollower, IAsyncDisposable
{
    private const int MaxTransactionRows = 5000;
    private const long MaxBacklogRecords = 50_000;

    /// <summary>Records are bounded in size, but 50,000 large ones would still hold gigabytes: bound the bytes too.</summary>
    private const long MaxBacklogBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(100);
    private readonly string _connectionString;
    private readonly string _auditDirectory;
    private readonly ILogger _logger;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _pendingRecords;
    private long _pendingBytes;
    private int _reindexSealedFiles;

    public SqliteAuditIndex(string path, string auditDirectory, TimeProvider clock, ILogger<SqliteAuditIndex> logger)
    {
        _auditDirectory = auditDirectory;
        _logger = logger;
        Trent.Crypto.PrivateFiles.EnsureDatabase(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using (var connection = Open())
        {
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;");
            if (SchemaVersion(connection) is { } version && version != AuditIndexSchema.Version || HasEventsWithoutVersion(connection))
            {
                // An index of another shape: dropped and rebuilt from the sealed files at start, as a lost index is.
                Execute(connection, AuditIndexSchema.Drop);
            }

            Execute(connection, AuditIndexSchema.Create);
            Trent.Crypto.PrivateFiles.EnsureDatabase(path);
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO meta (name, value) VALUES ('tracking_start', $now); SELECT value FROM meta WHERE name = 'tracking_start';";
            command.Parameters.AddWithValue("$now", clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            TrackingStartDate = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture));
        }

        _writer = BackgroundThread.Start("trent-audit-index", WriteLoop);
    }

    public DateTimeOffset TrackingStartDate { get; }

    private static string? SchemaVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE name = 'schema_version'";
        return command.ExecuteScalar() as string;
    }

    /// <summary>An index written before versions were recorded (version 1: events had no Region).</summary>
    private static bool HasEventsWithoutVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'";
        return (long)command.ExecuteScalar()! > 0 && SchemaVersion(connection) is null;
    }

    /// <summary>Records handed over but not yet in the index.</summary>
    public long BacklogRecords => Interlocked.Read(ref _pendingRecords);

    /// <summary>Bytes of the records counted by <see cref="BacklogRecords"/>.</summary>
    public long BacklogBytes => Interlocked.Read(ref _pendingBytes);

    public void OnDurable(IReadOnlyList<DurableRecord> lines)
    {
        // Memory stays bounded if the index falls behind a burst: records over the limit are not queued, and
        // the files being written now are indexed from disk once sealed instead.
        var bytes = 0L;
        for (var i = 0; i < lines.Count; i++)
        {
            bytes += lines[i].Line.Length;
        }

        if (Interlocked.Read(ref _pendingRecords) + lines.Count > MaxBacklogRecords
            || Interlocked.Read(ref _pendingBytes) + bytes > MaxBacklogBytes)
        {
            Volatile.Write(ref _reindexSealedFiles, 2);
            return;
        }

        Interlocked.Add(ref _pendingRecords, lines.Count);
        Interlocked.Add(ref _pendingBytes, bytes);
        Enqueue(new Work(lines, null) { Bytes = bytes });
    }

    public void OnSealed(SealedLogFile file, bool recordsSeenLive)
    {
        // Records dropped above belong to the segment open at the time or the one after it: read both from disk.
        var reindex = Volatile.Read(ref _reindexSealedFiles) > 0 && Interlocked.Decrement(ref _reindexSealedFiles) >= 0;
        Enqueue(new Work(null, file.Path) { AlreadyIndexed = recordsSeenLive && !reindex });
    }

    /// <summary>Completes once everything handed over before the call is in the index (for tests and shutdown).</summary>
    public Task FlushAsync()
    {
        var barrier = new Work(null, null);
        Enqueue(barrier);
        return barrier.Done.Task;
    }

    public async Task<AuditLookupPage> LookupAsync(AuditLookupQuery query, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = AuditLookupSql.Build(query, command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPageAsync(reader, query.MaxResults, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page from rows of (seq, event_time, record), one more than a page asked for to tell whether more follow.</summary>
    internal static async Task<AuditLookupPage> ReadPageAsync(System.Data.Common.DbDataReader reader, int maxResults, CancellationToken cancellationToken)
    {
        var events = new List<AuditEventSummary>(maxResults);
        AuditLookupCursor? last = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (events.Count == maxResults)
            {
                return new AuditLookupPage(events, last);
            }

            last = new AuditLookupCursor(reader.GetInt64(1), reader.GetInt64(0));
            events.Add(Summary(System.Text.Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(2)).TrimEnd('\n'), reader.GetInt64(1)));
        }

        return new AuditLookupPage(events, null);
    }

    public async Task<KeyLastUsage?> GetKeyLastUsageAsync(string keyArn, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT operation, event_time, event_id, request_id FROM key_last_usage WHERE key_arn = $arn";
        command.Parameters.AddWithValue("$arn", keyArn);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new KeyLastUsage(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3))
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
    }

    private void Enqueue(Work work)
    {
        if (!_queue.Writer.TryWrite(work))
        {
            Interlocked.Add(ref _pendingRecords, -(work.Lines?.Count ?? 0));
            Interlocked.Add(ref _pendingBytes, -work.Bytes);
            work.Done.TrySetResult();
        }
    }

    private void WriteLoop()
    {
        using var connection = Open();
        // Derived data, rebuilt from the trail if lost: never sync it. Its fsyncs would queue behind, and ahead of,
        // the audit log's own data syncs on the request path.
        Execute(connection, "PRAGMA synchronous=OFF;");

        // Each event touches a handful of B-tree pages all over a file that grows by gigabytes: with SQLite's
        // default 2 MB page cache most of those were reads and writes through the kernel on every insert.
        Execute(connection, "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;");
        CatchUp(connection);
        var batch = new List<Work>();
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            // Gather for a moment: one transaction per tenth of a second costs far less than one per log batch.
            Thread.Sleep(GatherTime);
            var rows = 0;
            while (rows < MaxTransactionRows && _queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
                rows += work.Lines?.Count ?? 1;
            }

            try
            {
                using var transaction = connection.BeginTransaction();
                var insert = new IndexInserter(connection, transaction);
                foreach (var work in batch)
                {
                    if (work.Lines is not null)
                    {
                        foreach (var record in work.Lines)
                        {
                            insert.Add(IndexedRecord.From(record));
                        }
                    }
                    else if (work.SealedPath is not null)
                    {
                        IndexFile(insert, work.SealedPath, work.AlreadyIndexed);
                    }
                }

                insert.Complete();
                transaction.Commit();
            }
            catch (Exception e)
            {
                LogIndexFailed(_logger, e);
            }

            foreach (var work in batch)
            {
                work.Done.TrySetResult();
            }

            Interlocked.Add(ref _pendingRecords, -batch.Sum(w => w.Lines?.Count ?? 0));
            Interlocked.Add(ref _pendingBytes, -batch.Sum(w => w.Bytes));
            batch.Clear();
        }
    }

    /// <summary>Indexes every sealed file in the audit directory that the index does not list yet.</summary>
    private void CatchUp(SqliteConnection connection)
    {
        try
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name FROM indexed_files";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    known.Add(reader.GetString(0));
                }
            }

            foreach (var file in Directory.GetFiles(_auditDirectory, AuditFileNames.LogPrefix + "*" + AuditFileNames.SealedExtension).Order(StringComparer.Ordinal))
            {
                if (!known.Contains(Path.GetFileName(file)))
                {
                    using var transaction = connection.BeginTransaction();
                    var insert = new IndexInserter(connection, transaction);
                    IndexFile(insert, file, alreadyIndexed: false);
                    insert.Complete();
                    transaction.Commit();
                }
            }
        }
        catch (Exception e)
        {
            LogIndexFailed(_logger, e);
        }
    }

    private static void IndexFile(IndexInserter insert, string path, bool alreadyIndexed)
    {
        if (!alreadyIndexed)
        {
            foreach (var record in LogFileSealer.ReadRecords(path))
            {
                insert.Add(record);
            }
        }

        insert.MarkFile(Path.GetFileName(path));
    }

    private static AuditEventSummary Summary(string json, long eventTime)
    {
        using var document = JsonDocument.Parse(json);
        var record = IndexedRecord.From(document.RootElement)!;
        return new AuditEventSummary(
            record.EventId,
            record.EventName,
            record.ReadOnly,
            record.AccessKeyId,
            DateTimeOffset.FromUnixTimeMilliseconds(eventTime),
            record.EventSource,
            record.Username,
            [.. record.Resources.Select(r => new AuditResource(r.Type, r.Arn))],
            json);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "Updating the audit search index failed; it catches up from the sealed files at the next start")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception);

    private sealed record Work(IReadOnlyList<DurableRecord>? Lines, string? SealedPath)
    {
        public bool AlreadyIndexed { get; init; }

        /// <summary>Bytes of <see cref="Lines"/>, counted in the backlog.</summary>
        public long Bytes { get; init; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
