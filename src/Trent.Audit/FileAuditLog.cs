using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Trent.Audit.Files;
using Trent.Audit.Integrity;
using Trent.Domain.Audit;

namespace Trent.Audit;

/// <summary>
/// Appends CloudTrail records as JSON lines to segment files under the audit directory, with group commit:
/// one writer drains every record queued so far, writes them and syncs once, then releases all their
/// requests together. No request waits on a sync of its own, and none is answered before its record is on
/// disk. Segments are preallocated (see <see cref="AuditSegment"/>) one ahead, in the background. A segment
/// is closed when its rotation period (default five minutes, aligned to the UTC clock) ends, even if no
/// request comes, and when it is full; a closed segment is then sealed in the background as a CloudTrail-style
/// <c>.json.gz</c> file (see <see cref="LogFileSealer"/>). Each node writes its own files (node name in the name).
/// Every batch is chained to the one before it (<see cref="AuditChain"/>), and the chain is checked before a
/// segment is sealed: content this server did not write is never sealed (nor, therefore, signed).
/// </summary>
public sealed partial class FileAuditLog : IAuditSink, IAsyncDisposable
{
    public const long DefaultSegmentBytes = 16 * 1024 * 1024;
    public static readonly TimeSpan DefaultRotationInterval = TimeSpan.FromMinutes(5);
    private const int MaxBatch = 4096;
    private readonly string _directory;
    private readonly string _nodeName;
    private readonly long _segmentBytes;
    private readonly TimeSpan _rotationInterval;
    private readonly TimeProvider _clock;
    private readonly IAuditRecordListener? _listener;
    private readonly ILogger _logger;
    private readonly AuditChain _chain;
    private readonly IncrementalHash _mac;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Item> _sealQueue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, SealedLogFile> _sealed = new(StringComparer.Ordinal);
    private readonly ITimer _rotationTimer;
    private readonly ITimer _probeTimer;
    private readonly AuditWriteFaults? _faults;
    private readonly Task _writer;
    private readonly Task _sealer;
    private AuditSegment? _current;
    private Task<AuditSegment>? _next;
    private DateTimeOffset _lastStart;
    private long _queued;
    private long _chainBreaks;
    private long _writeFailures;
    private int _failing;
    private byte[] _chainHead = AuditChain.Genesis;
    private int _disposed;

    public FileAuditLog(
        string directory,
        string nodeName,
        ILogger<FileAuditLog> logger,
        AuditChain chain,
        long segmentBytes = DefaultSegmentBytes,
        TimeSpan? rotationInterval = null,
        TimeProvider? clock = null,
        IAuditRecordListener? listener = null,
        AuditWriteFaults? faults = null)
    {
        _faults = faults;
        _directory = directory;
        _nodeName = nodeName;
        _segmentBytes = segmentBytes;
        _rotationInterval = rotationInterval is { Ticks: > 0 } interval ? interval : DefaultRotationInterval;
        _clock = clock ?? TimeProvider.System;
        _listener = listener;
        _logger = logger;
        _chain = chain;
        _mac = chain.CreateMac();
        Trent.Crypto.PrivateFiles.CreateDirectory(directory);
        RecoverAfterCrash();
        _next = PrepareNext();
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _sealer = BackgroundThread.Start("trent-audit-sealer", SealLoop);
        _rotationTimer = _clock.CreateTimer(_ => _queue.Writer.TryWrite(Item.Tick), null, _rotationInterval, _rotationInterval);
        // On the wall clock, not the domain clock (a test's fake clock must not stop recovery).
        _probeTimer = TimeProvider.System.CreateTimer(_ => ProbeIfFailing(), null, ProbeInterval, ProbeInterval);
    }

    /// <summary>Records accepted but not yet durable (counted here: a single-reader channel cannot count).</summary>
    public long QueueDepth => Interlocked.Read(ref _queued);

    public string AuditDirectory => _directory;

    /// <summary>Audit files found not to be what this server wrote (never sealed nor signed; left as <c>.broken</c>).</summary>
    public long ChainBreaks => Interlocked.Read(ref _chainBreaks);

    /// <summary>Batches whose write failed (each failed every request in it).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>
    /// False from a failed write until a write, or a retry of the write that failed (preparing the next file),
    /// succeeds: the trail then accepts records again, without a restart.
    /// </summary>
    public bool Writable => Volatile.Read(ref _failing) == 0;

    bool IAuditSink.Writable => Writable;

    /// <summary>How often a failing writer retries by itself, so it recovers even when no request comes.</summary>
    public static TimeSpan ProbeInterval { get; } = TimeSpan.FromSeconds(1);

    public AuditChain Chain => _chain;

    public string NodeName => _nodeName;

    /// <summary>The file name prefix of this node's log files; a file is named by the time it started.</summary>
    public string FilePrefix => $"{AuditFileNames.LogPrefix}{_nodeName}_";

    public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        Enqueue(Item.Record([auditEvent], [CloudTrailRecord.ToJsonLine(auditEvent)]));

    /// <summary>The copies travel as one item: written in one segment, under one chain link, synced together.</summary>
    public ValueTask RecordAsync(IReadOnlyList<AuditEvent> copies, CancellationToken cancellationToken) =>
        Enqueue(Item.Record([.. copies], [.. copies.Select(CloudTrailRecord.ToJsonLine)]));

    private ValueTask Enqueue(Item pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The audit log is closed.");
        }

        Interlocked.Increment(ref _queued);
        return new ValueTask(pending.Done.Task);
    }

    /// <summary>
    /// Closes the segment being written (if any) and completes once it and every segment closed before it is
    /// sealed: everything recorded before the call is then in a sealed file. Used before writing a digest.
    /// </summary>
    public Task SealAsync()
    {
        var seal = Item.Seal();
        return _queue.Writer.TryWrite(seal) ? seal.Done.Task : Task.CompletedTask;
    }

    /// <summary>What is known of a sealed file of this node without reading it again, if it was sealed by this run.</summary>
    public SealedLogFile? TakeSealedSummary(string path) => _sealed.TryRemove(path, out var file) ? file : null;

    /// <summary>Idempotent: the container may dispose the log once per service it is registered as.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _rotationTimer.DisposeAsync().ConfigureAwait(false);
        await _probeTimer.DisposeAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        CloseCurrent();
        _sealQueue.Writer.TryComplete();
        await _sealer.ConfigureAwait(false);
        if (_next is not null)
        {
            try
            {
                (await _next.ConfigureAwait(false)).Discard();
            }
            catch (IOException)
            {
            }

            _next = null;
        }

        _mac.Dispose();
    }

    private long PeriodOf(DateTimeOffset time) => time.UtcTicks / _rotationInterval.Ticks;

    private async Task WriteLoopAsync()
    {
        var batch = new List<Item>(256);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (item.Lines is not null)
                {
                    batch.Add(item);
                    continue;
                }

                // A control item: commit the records before it, then act on it in order.
                await CommitBatchAsync(batch, buffer).ConfigureAwait(false);
                await ControlAsync(item).ConfigureAwait(false);
            }

            await CommitBatchAsync(batch, buffer).ConfigureAwait(false);
        }
    }

    private async Task CommitBatchAsync(List<Item> batch, ArrayBufferWriter<byte> buffer)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var pending in batch)
            {
                var period = PeriodOf(pending.EventTime);
                if (_current is null || _current.Period != period || _current.Remaining < buffer.WrittenCount + pending.Length + AuditChain.LinkLength)
                {
                    Flush(buffer);
                    await RollAsync(pending.EventTime, period).ConfigureAwait(false);
                }

                foreach (var line in pending.Lines!)
                {
                    buffer.Write(line);
                }
            }

            Flush(buffer);
            _current!.Sync();
            // Handed to the index before the requests are released, so a client that reads after its
            // response never races the hand-over (the index itself still lags by its own write).
            NotifyDurable(batch);
            if (_next is not { IsFaulted: true })
            {
                Volatile.Write(ref _failing, 0);
            }

            batch.ForEach(p => p.Done.TrySetResult());
        }
        catch (Exception e)
        {
            LogWriteFailed(_logger, e, batch.Count);
            Interlocked.Increment(ref _writeFailures);
            Volatile.Write(ref _failing, 1);
            batch.ForEach(p => p.Done.TrySetException(e));
            buffer.ResetWrittenCount();
            AbandonCurrent();
        }

        Interlocked.Add(ref _queued, -batch.Count);
        batch.Clear();
    }

    private void NotifyDurable(List<Item> batch)
    {
        if (_listener is null)
        {
            return;
        }

        var records = new List<DurableRecord>(batch.Count);
        foreach (var item in batch)
        {
            for (var i = 0; i < item.Lines!.Length; i++)
            {
                records.Add(new DurableRecord(item.Events![i], item.Lines[i]));
            }
        }

        try
        {
            _listener.OnDurable(records);
        }
        catch (Exception e)
        {
            LogListenerFailed(_logger, e);
        }
    }

    private async Task ControlAsync(Item item)
    {
        try
        {
            if (item.Kind == ItemKind.Probe)
            {
                await ProbeAsync().ConfigureAwait(false);
                return;
            }

            if (item.Kind == ItemKind.Tick)
            {
                if (_current is not null && PeriodOf(_clock.GetUtcNow()) > _current.Period)
                {
                    CloseCurrent();
                }

                return;
            }

            CloseCurrent();
            // The sealer completes the barrier once everything queued before it is sealed.
            await _sealQueue.Writer.WriteAsync(item).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogWriteFailed(_logger, e, 0);
            item.Done.TrySetException(e);
        }
    }

    /// <summary>Writes the buffered records followed by their chain line, in one write.</summary>
    private void Flush(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.WrittenCount > 0)
        {
            _faults?.ThrowIfInjected(logAppend: true);
            _mac.AppendData(_chainHead);
            _mac.AppendData(buffer.WrittenSpan);
            var head = _mac.GetHashAndReset();
            buffer.Write(AuditChain.LinkLine(head));
            _current!.Write(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
            // Only once written: after a failed write the next segment continues from the last head on disk.
            _chainHead = head;
        }
    }

    /// <summary>Closes the current segment durably and hands it to the sealer.</summary>
    private void CloseCurrent()
    {
        if (_current is null)
        {
            return;
        }

        var path = _current.Path;
        _current.Sync();
        _current.Close();
        _current = null;
        _sealQueue.Writer.TryWrite(Item.SealFile(path, live: true, _chainHead));
    }

    /// <summary>Closes the current segment and activates the prepared one.</summary>
    private async Task RollAsync(DateTimeOffset start, long period)
    {
        CloseCurrent();
        // Taken before it is awaited: a preparation that failed (a full disk) is never awaited again; the next
        // roll prepares afresh, so the writer recovers once space returns.
        var prepared = _next ?? PrepareNext();
        _next = null;
        var next = await prepared.ConfigureAwait(false);
        _next = PrepareNext();
        try
        {
            next.Activate(Path.Combine(_directory, AuditFileNames.ActiveLog(_nodeName, NextStart(start))), period);
            next.Write(AuditChain.StartLine(_chainHead));
        }
        catch
        {
            DiscardQuietly(next);
            throw;
        }

        _current = next;
    }

    private static void DiscardQuietly(AuditSegment segment)
    {
        try
        {
            segment.Discard();
        }
        catch (IOException)
        {
            // Left for the next start's recovery, which removes empty segments.
        }
    }

    private void ProbeIfFailing()
    {
        if (!Writable)
        {
            _queue.Writer.TryWrite(Item.Probe);
        }
    }

    /// <summary>Retries what a failed write needs next (a prepared file); success makes the trail writable again.</summary>
    private async Task ProbeAsync()
    {
        if (Writable)
        {
            return;
        }

        var prepared = _next ?? PrepareNext();
        _next = null;
        try
        {
            _next = Task.FromResult(await prepared.ConfigureAwait(false));
            Volatile.Write(ref _failing, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still failing: retried at the next probe, and by the next request.
        }
    }

    /// <summary>A start time later than every earlier file's, so that names sort in the order files were written.</summary>
    private DateTimeOffset NextStart(DateTimeOffset time)
    {
        var start = new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        _lastStart = start > _lastStart ? start : _lastStart.AddMilliseconds(1);
        return _lastStart;
    }

    private Task<AuditSegment> PrepareNext()
    {
        var temporary = Path.Combine(_directory, $".next_{_nodeName}_{Guid.NewGuid():N}.tmp");
        return Task.Run(() =>
        {
            try
            {
                _faults?.ThrowIfInjected();
                return AuditSegment.Prepare(temporary, _segmentBytes);
            }
            catch
            {
                // Not writable from now: state changes are refused while the current file still holds the
                // records of the requests in flight, rather than once it is full and a record is lost.
                if (Interlocked.Exchange(ref _failing, 1) == 0)
                {
                    Interlocked.Increment(ref _writeFailures);
                }

                throw;
            }
        });
    }

    private void SealLoop()
    {
        while (_sealQueue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            if (!_sealQueue.Reader.TryRead(out var item))
            {
                continue;
            }

            if (item.Kind == ItemKind.Seal)
            {
                item.Done.TrySetResult();
                continue;
            }

            try
            {
                SealOne(item.SealPath!, item.SealedLive, item.ExpectedHead);
            }
            catch (Exception e)
            {
                // The segment stays as JSON lines; the next start seals it.
                LogSealFailed(_logger, e, item.SealPath!);
            }
        }
    }

    private void SealOne(string path, bool live, byte[]? expectedHead)
    {
        try
        {
            var file = LogFileSealer.Seal(path, _chain, expectedHead);
            _sealed[file.Path] = file;
            _listener?.OnSealed(file, live);
        }
        catch (AuditChainBrokenException e)
        {
            ReportBroken(e);
        }
    }

    /// <summary>
    /// A file that is not what this server wrote is reported and set aside under a name no digest lists, for
    /// the auditor (the verifier reports it too); it is never sealed or signed.
    /// </summary>
    public void ReportBroken(AuditChainBrokenException broken)
    {
        Interlocked.Increment(ref _chainBreaks);
        LogChainBroken(_logger, broken.FilePath, broken.Reason);
        try
        {
            File.Move(broken.FilePath, broken.FilePath + AuditFileNames.BrokenSuffix, overwrite: true);
            FileSync.SyncDirectory(Path.GetDirectoryName(broken.FilePath)!);
        }
        catch (IOException e)
        {
            LogSealFailed(_logger, e, broken.FilePath);
        }
    }

    /// <summary>After a failed write the segment's state is unknown: keep what it holds, start a new one.</summary>
    private void AbandonCurrent()
    {
        if (_current is null)
        {
            return;
        }

        var path = _current.Path;
        _current.Dispose();
        _current = null;
        try
        {
            if (AuditSegment.Recover(path) > 0)
            {
                _sealQueue.Writer.TryWrite(Item.SealFile(path, live: false, null));
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Trims this node's segments left with a zero tail by a crash, keeps prepared files that received
    /// records before their rename became durable (removing only the empty ones), removes half-written
    /// sealed copies, and queues every segment left by the previous run for sealing.
    /// </summary>
    private void RecoverAfterCrash()
    {
        foreach (var file in Directory.GetFiles(_directory, $".{FilePrefix}*.tmp"))
        {
            File.Delete(file);
        }

        foreach (var file in Directory.GetFiles(_directory, FilePrefix + "*"))
        {
            if (AuditFileNames.TryParse(Path.GetFileName(file), out _, out var started) && started > _lastStart)
            {
                _lastStart = started;
            }
        }

        foreach (var file in Directory.GetFiles(_directory, $".next_{_nodeName}_*.tmp"))
        {
            if (AuditSegment.Recover(file) == 0)
            {
                File.Delete(file);
            }
            else
            {
                File.Move(file, Path.Combine(_directory, AuditFileNames.ActiveLog(_nodeName, NextStart(_clock.GetUtcNow()))));
            }
        }

        _chainHead = NewestSealedHead();
        foreach (var file in Directory.GetFiles(_directory, FilePrefix + "*" + AuditFileNames.ActiveExtension).Order(StringComparer.Ordinal))
        {
            if (AuditSegment.Recover(file) == 0)
            {
                File.Delete(file);
                continue;
            }

            // Sealed now, not in the background: the chain this run continues is the last one found intact.
            try
            {
                var sealedFile = LogFileSealer.Seal(file, _chain, expectedHead: null);
                if (sealedFile.ChainStart != Convert.ToHexStringLower(_chainHead))
                {
                    LogChainGap(_logger, sealedFile.Name);
                }

                _chainHead = Convert.FromHexString(sealedFile.ChainHead);
                _sealed[sealedFile.Path] = sealedFile;
                _listener?.OnSealed(sealedFile, recordsSeenLive: false);
            }
            catch (AuditChainBrokenException e)
            {
                ReportBroken(e);
            }
        }
    }

    /// <summary>The head of this node's newest sealed file that is intact, or the genesis head.</summary>
    private byte[] NewestSealedHead()
    {
        foreach (var file in Directory.GetFiles(_directory, FilePrefix + "*" + AuditFileNames.SealedExtension).Order(StringComparer.Ordinal).Reverse())
        {
            try
            {
                return Convert.FromHexString(LogFileSealer.Describe(file, _chain).ChainHead);
            }
            catch (AuditChainBrokenException)
            {
                // Reported when a digest would list it; the chain continues from the newest intact file.
            }
        }

        return AuditChain.Genesis;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Critical, Message = "Writing {Count} audit records failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Sealing audit log file {Path} failed; it is sealed at the next start")]
    private static partial void LogSealFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "An audit record listener failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Critical, Message = "Audit file {Path} is not what this server wrote, so it is not sealed or signed (left as .broken for the auditor): {Reason}")]
    private static partial void LogChainBroken(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Audit log file {Name} does not continue the chain of the file before it: a log file of this node is missing")]
    private static partial void LogChainGap(ILogger logger, string name);

    private enum ItemKind
    {
        Record,
        Tick,
        Probe,
        Seal,
        SealFile,
    }

    private sealed class Item
    {
        public static readonly Item Tick = new(ItemKind.Tick, null, null, null);

        public static readonly Item Probe = new(ItemKind.Probe, null, null, null);

        private Item(ItemKind kind, AuditEvent[]? events, byte[][]? lines, string? sealPath)
        {
            Kind = kind;
            Events = events;
            Lines = lines;
            Length = lines?.Sum(l => l.Length) ?? 0;
            SealPath = sealPath;
        }

        public ItemKind Kind { get; }

        /// <summary>For a record: the event, or the copies of one event delivered to several accounts.</summary>
        public AuditEvent[]? Events { get; }

        /// <summary>The copies share one time, so they fall in one rotation period.</summary>
        public DateTimeOffset EventTime => Events is [var first, ..] ? first.EventTime : default;

        public byte[][]? Lines { get; }

        public int Length { get; }

        public string? SealPath { get; }

        /// <summary>For a file to seal: whether its records all went to the listener as they became durable.</summary>
        public bool SealedLive { get; private init; }

        /// <summary>For a file to seal: the chain head the writer ended it at (null if unknown, after a failed write).</summary>
        public byte[]? ExpectedHead { get; private init; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static Item Record(AuditEvent[] events, byte[][] lines) => new(ItemKind.Record, events, lines, null);

        public static Item Seal() => new(ItemKind.Seal, null, null, null);

        public static Item SealFile(string path, bool live, byte[]? expectedHead) =>
            new(ItemKind.SealFile, null, null, path) { SealedLive = live, ExpectedHead = expectedHead };
    }
}
