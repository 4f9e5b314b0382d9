using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Trent.Audit.Files;
using Trent.Domain.Audit;

namespace Trent.Audit.Index;

/// <summary>
/// The audit search index that several nodes on one PostgreSQL database share (tables <c>audit_*</c>, migration 3),
/// so that LookupEvents and GetKeyLastUsage answer the same on every node. Each node feeds it the records of its
/// own trail, off the request path (its audit log hands them over, see <see cref="IAuditIndexFollower"/>), and at
/// start indexes its sealed files that the shared index does not list yet (file names carry the node name, so no two
/// nodes' files collide). Inserts are idempotent (by event ID), so a file indexed twice changes nothing. The trail on
/// each node's disk stays the record of truth: a lost index is rebuilt from the trails.
/// </summary>
public sealed partial class PostgresAuditIndex : IAuditEventIndex, IAuditIndexFollower, IAsyncDisposable
{
    private const int MaxTransactionRows = 5000;
    private const long MaxBacklogRecords = 50_000;
    private const long MaxBacklogBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(100);
    private readonly NpgsqlDataSource _database;
    private readonly string _auditDirectory;
    private readonly ILogger _logger;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _pendingRecords;
    private long _pendingBytes;
    private int _reindexSealedFiles;

    public PostgresAuditIndex(NpgsqlDataSource database, string auditDirectory, TimeProvider clock, ILogger<PostgresAuditIndex> logger)
    {
        _database = database;
        _auditDirectory = auditDirectory;
        _logger = logger;
        using (var command = database.CreateCommand("""
            INSERT INTO markers (name, set_at) VALUES ('audit_tracking_start', @now) ON CONFLICT (name) DO NOTHING;
            SELECT set_at FROM markers WHERE name = 'audit_tracking_start'
            """))
        {
            command.Parameters.AddWithValue("now", clock.GetUtcNow().ToUnixTimeMilliseconds());
            TrackingStartDate = DateTimeOffset.FromUnixTimeMilliseconds((long)command.ExecuteScalar()!);
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    public DateTimeOffset TrackingStartDate { get; }

    public long BacklogRecords => Interlocked.Read(ref _pendingRecords);

    public long BacklogBytes => Interlocked.Read(ref _pendingBytes);

    public void OnDurable(IReadOnlyList<DurableRecord> records)
    {
        // Bounded like the local index: past the bound the files being written now are read back once sealed.
        var bytes = records.Sum(r => (long)r.Line.Length);
        if (Interlocked.Read(ref _pendingRecords) + records.Count > MaxBacklogRecords
            || Interlocked.Read(ref _pendingBytes) + bytes > MaxBacklogBytes)
        {
            Volatile.Write(ref _reindexSealedFiles, 2);
            return;
        }

        Interlocked.Add(ref _pendingRecords, records.Count);
        Interlocked.Add(ref _pendingBytes, bytes);
        Enqueue(new Work(records, null) { Bytes = bytes });
    }

    public void OnSealed(SealedLogFile file, bool recordsSeenLive)
    {
        var reindex = Volatile.Read(ref _reindexSealedFiles) > 0 && Interlocked.Decrement(ref _reindexSealedFiles) >= 0;
        Enqueue(new Work(null, file.Path) { AlreadyIndexed = recordsSeenLive && !reindex });
    }

    public Task FlushAsync()
    {
        var barrier = new Work(null, null);
        Enqueue(barrier);
        return barrier.Done.Task;
    }

    public async Task<AuditLookupPage> LookupAsync(AuditLookupQuery query, CancellationToken cancellationToken)
    {
        await using var command = _database.CreateCommand();
        command.CommandText = LookupSql(query, command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteAuditIndex.ReadPageAsync(reader, query.MaxResults, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeyLastUsage?> GetKeyLastUsageAsync(string keyArn, CancellationToken cancellationToken)
    {
        await using var command = _database.CreateCommand("SELECT operation, event_time, event_id, request_id FROM audit_key_last_usage WHERE key_arn = @arn");
        command.Parameters.AddWithValue("arn", keyArn);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new KeyLastUsage(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1) / 1000 * 1000), reader.GetString(2), reader.GetString(3))
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    /// <summary>One lookup as one range scan, newest first (the same plan as the local index's, in PostgreSQL's words).</summary>
    private static string LookupSql(AuditLookupQuery query, NpgsqlParameterCollection p)
    {
        p.AddWithValue("account", query.AccountId);
        p.AddWithValue("region", query.Region);
        p.AddWithValue("start", query.StartTime.ToUnixTimeMilliseconds());
        p.AddWithValue("end", query.EndTime.ToUnixTimeMilliseconds());
        p.AddWithValue("limit", query.MaxResults + 1);
        if (query.Attribute == LookupAttribute.ReadOnly)
        {
            p.AddWithValue("value", query.AttributeValue == "true");
        }
        else
        {
            p.Add(new NpgsqlParameter("value", NpgsqlDbType.Text) { Value = (object?)query.AttributeValue?.Replace("\0", string.Empty, StringComparison.Ordinal) ?? DBNull.Value });
        }

        p.AddWithValue("after_time", query.After?.EventTimeMilliseconds ?? long.MaxValue);
        p.AddWithValue("after_seq", query.After?.Sequence ?? long.MaxValue);
        var (from, alias, filter) = query.Attribute switch
        {
            LookupAttribute.ResourceName => ("audit_event_resources r JOIN audit_events e ON e.seq = r.seq", "r", "r.name = @value"),
            LookupAttribute.ResourceType => ("audit_events e", "e", "strpos(e.resource_types, '|' || @value || '|') > 0"),
            LookupAttribute.EventId => ("audit_events e", "e", "e.event_id = @value"),
            LookupAttribute.EventName => ("audit_events e", "e", "e.event_name = @value"),
            LookupAttribute.Username => ("audit_events e", "e", "e.username = @value"),
            LookupAttribute.AccessKeyId => ("audit_events e", "e", "e.access_key_id = @value"),
            LookupAttribute.EventSource => ("audit_events e", "e", "e.event_source = @value"),
            LookupAttribute.ReadOnly => ("audit_events e", "e", "e.read_only = @value"),
            _ => ("audit_events e", "e", "true"),
        };
        return $"""
            SELECT {alias}.seq, {alias}.event_time, e.record FROM {from}
            WHERE {alias}.account_id = @account AND e.aws_region = @region AND {filter}
              AND {alias}.event_time >= @start AND {alias}.event_time <= @end
              AND ({alias}.event_time < @after_time OR ({alias}.event_time = @after_time AND {alias}.seq < @after_seq))
            ORDER BY {alias}.event_time DESC, {alias}.seq DESC
            LIMIT @limit
            """;
    }

    private void Enqueue(Work work)
    {
        if (!_queue.Writer.TryWrite(work))
        {
            Interlocked.Add(ref _pendingRecords, -(work.Records?.Count ?? 0));
            Interlocked.Add(ref _pendingBytes, -work.Bytes);
            work.Done.TrySetResult();
        }
    }

    private async Task WriteLoopAsync()
    {
        await CatchUpAsync().ConfigureAwait(false);
        var batch = new List<Work>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await Task.Delay(GatherTime).ConfigureAwait(false);
            var rows = 0;
            while (rows < MaxTransactionRows && _queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
                rows += work.Records?.Count ?? 1;
            }

            try
            {
                var records = new List<IndexedRecord>();
                var files = new List<string>();
                foreach (var work in batch)
                {
                    records.AddRange(work.Records?.Select(IndexedRecord.From) ?? []);
                    if (work.SealedPath is { } path)
                    {
                        records.AddRange(work.AlreadyIndexed ? [] : Read(path));
                        files.Add(Path.GetFileName(path));
                    }
                }

                await InsertAsync(records, files).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidDataException or TimeoutException)
            {
                LogIndexFailed(_logger, e);
            }

            foreach (var work in batch)
            {
                work.Done.TrySetResult();
            }

            Interlocked.Add(ref _pendingRecords, -batch.Sum(w => w.Records?.Count ?? 0));
            Interlocked.Add(ref _pendingBytes, -batch.Sum(w => w.Bytes));
            batch.Clear();
        }
    }

    /// <summary>Indexes this node's sealed files that the shared index does not list yet.</summary>
    private async Task CatchUpAsync()
    {
        try
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            await using (var command = _database.CreateCommand("SELECT name FROM audit_indexed_files"))
            await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    known.Add(reader.GetString(0));
                }
            }

            foreach (var file in Directory.GetFiles(_auditDirectory, AuditFileNames.LogPrefix + "*" + AuditFileNames.SealedExtension).Order(StringComparer.Ordinal))
            {
                if (!known.Contains(Path.GetFileName(file)))
                {
                    await InsertAsync(Read(file), [Path.GetFileName(file)]).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidDataException or TimeoutException)
        {
            LogIndexFailed(_logger, e);
        }
    }

    private static List<IndexedRecord> Read(string sealedPath) =>
        [.. LogFileSealer.ReadRecords(sealedPath).Select(IndexedRecord.From).OfType<IndexedRecord>()];

    /// <summary>
    /// Indexes a batch in one round trip and one commit: each table gets one statement over arrays (<c>unnest</c>),
    /// not one statement per record, so the cost per record is PostgreSQL's index upkeep and little else (the index
    /// is fed at the request rate; a statement per record cost the database more CPU than the requests did).
    /// </summary>
    private async Task InsertAsync(IReadOnlyList<IndexedRecord> records, IReadOnlyList<string> files)
    {
        var columns = new AuditIndexColumns(records.Count);
        var lastUse = new Dictionary<string, IndexedRecord>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            columns.Add(record);
            foreach (var (type, arn) in record.Resources)
            {
                // Each key's newest use once per batch; a use recorded by another node later in time wins there.
                if (record.TracksKeyUsage && type == "AWS::KMS::Key"
                    && (!lastUse.TryGetValue(arn, out var newer) || UsedAt(newer) <= UsedAt(record)))
                {
                    lastUse[arn] = record;
                }
            }
        }

        await using var connection = await _database.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (records.Count > 0)
        {
            batch.BatchCommands.Add(columns.InsertEvents());
        }

        if (lastUse.Count > 0)
        {
            batch.BatchCommands.Add(AuditIndexColumns.UpsertLastUsage(lastUse.Select(u => (Clean(u.Key)!, u.Value)).ToList()));
        }

        if (files.Count > 0)
        {
            var mark = new NpgsqlBatchCommand("INSERT INTO audit_indexed_files (name) SELECT unnest(@names) ON CONFLICT DO NOTHING");
            mark.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = files.ToArray() });
            batch.BatchCommands.Add(mark);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// When a use happened, as audit_key_last_usage stores it: to the millisecond where known, so that of two nodes'
    /// uses in one second the later wins whichever node commits last (lookups show whole seconds, as the record).
    /// </summary>
    internal static long UsedAt(IndexedRecord record) =>
        record.PreciseMilliseconds != 0 ? record.PreciseMilliseconds : record.EventTimeMilliseconds;

    /// <summary>PostgreSQL text cannot hold U+0000, which a hostile request may have put in a recorded field; the record itself is kept whole as bytes.</summary>
    internal static string? Clean(string? text) => text?.Replace("\0", string.Empty, StringComparison.Ordinal);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Updating the shared audit index failed; this node's sealed files are indexed again at its next start")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception);

    private sealed record Work(IReadOnlyList<DurableRecord>? Records, string? SealedPath)
    {
        public bool AlreadyIndexed { get; init; }

        public long Bytes { get; init; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
