using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Trent.Domain.Audit;

namespace Trent.Audit.Journal;

/// <summary>
/// The write-ahead intent journal of one node (see <see cref="IAuditJournal"/>): JSON lines in preallocated
/// segment files under <c>DATA/audit-journal/</c>, group-committed like the audit log (one data sync for every
/// intent queued so far). Retiring an intent appends a marker without a sync: a marker lost with the machine
/// (not with the process: the page cache outlives a kill -9) only makes recovery record that request twice,
/// once with its outcome and once marked unknown. Files are removed, oldest first, once every intent in them
/// and in the files before them is retired, so the journal holds little more than the requests in flight.
/// </summary>
public sealed partial class AuditIntentJournal : IAuditJournal, IAsyncDisposable
{
    public const string Extension = ".jnl";
    public const long DefaultSegmentBytes = 4 * 1024 * 1024;
    private readonly string _directory;
    private readonly string _nodeName;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LinkedList<JournalFile> _files = new();
    private readonly Dictionary<long, JournalFile> _pending = [];
    private readonly Task _writer;
    private readonly ITimer _probeTimer;
    private readonly AuditWriteFaults? _faults;
    private long _writeFailures;
    private int _failing;
    private long _nextTicket;
    private long _nextFile;
    private int _disposed;

    public AuditIntentJournal(string directory, string nodeName, ILogger<AuditIntentJournal> logger, long segmentBytes = DefaultSegmentBytes, AuditWriteFaults? faults = null)
    {
        _faults = faults;
        _directory = directory;
        _nodeName = nodeName;
        _segmentBytes = segmentBytes;
        _logger = logger;
        Trent.Crypto.PrivateFiles.CreateDirectory(directory);
        // Numbers continue after any file a previous run kept, so names sort in the order files were written.
        _nextFile = 1 + Directory.GetFiles(directory, $"{nodeName}_*{Extension}")
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f).AsSpan(nodeName.Length + 1), out var n) ? n : 0)
            .DefaultIfEmpty(0).Max();
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _probeTimer = TimeProvider.System.CreateTimer(_ => ProbeIfFailing(), null, FileAuditLog.ProbeInterval, FileAuditLog.ProbeInterval);
    }

    /// <summary>Batches of intents whose write failed (each failed every request in it).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>False from a failed write until a write, or a retry of preparing a new file, succeeds.</summary>
    public bool Writable => Volatile.Read(ref _failing) == 0;

    /// <summary>Intents not yet retired (the requests that may be changing state right now).</summary>
    public int Pending
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// The intents a previous run of this node left unretired, marked <see cref="AuditEvent.OutcomeUnknown"/>,
    /// in the order they began. Call before the journal is opened; once their records are durable in the
    /// trail, <see cref="RemoveRecovered"/> deletes the files.
    /// </summary>
    public static IReadOnlyList<AuditEvent> Recover(string directory, string nodeName)
    {
        var open = new SortedDictionary<long, AuditEvent>();
        if (!Directory.Exists(directory))
        {
            return [];
        }

        foreach (var file in RecoveredFiles(directory, nodeName))
        {
            byte[] content;
            try
            {
                content = new byte[AuditSegment.Recover(file)];
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
                stream.ReadExactly(content);
            }
            catch (FileNotFoundException)
            {
                // Removed since it was listed: a file goes only once every intent in it is retired.
                continue;
            }

            foreach (var range in content.AsSpan().Split((byte)'\n'))
            {
                var line = content.AsSpan(range);
                if (line.IsEmpty || !JournalEventCodec.TryDecode(line, out var ticket, out var intent))
                {
                    continue;
                }

                if (intent is null)
                {
                    open.Remove(ticket);
                }
                else
                {
                    open[ticket] = intent;
                }
            }
        }

        return [.. open.Values];
    }

    /// <summary>Deletes a previous run's journal files, once what <see cref="Recover"/> returned is in the trail.</summary>
    public static void RemoveRecovered(string directory, string nodeName)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in RecoveredFiles(directory, nodeName))
        {
            File.Delete(file);
        }

        foreach (var file in Directory.GetFiles(directory, $".{nodeName}_*.tmp"))
        {
            File.Delete(file);
        }

        Files.FileSync.SyncDirectory(directory);
    }

    public ValueTask<AuditIntent> BeginAsync(AuditEvent provisional, CancellationToken cancellationToken)
    {
        var ticket = Interlocked.Increment(ref _nextTicket);
        var item = new Item(ticket, JournalEventCodec.Encode(ticket, provisional), intent: true);
        if (!_queue.Writer.TryWrite(item))
        {
            throw new InvalidOperationException("The audit intent journal is closed.");
        }

        return new ValueTask<AuditIntent>(item.Durable!.Task);
    }

    public void Complete(AuditIntent intent) =>
        _queue.Writer.TryWrite(new Item(intent.Ticket, JournalEventCodec.EncodeDone(intent.Ticket), intent: false));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _probeTimer.DisposeAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        foreach (var file in _files)
        {
            if (Pending == 0)
            {
                file.Segment.Discard();
            }
            else
            {
                // Requests still open at a stop (there should be none): keep their intents for the next start.
                file.Segment.Close();
            }
        }

        _files.Clear();
    }

    private static IEnumerable<string> RecoveredFiles(string directory, string nodeName) =>
        Directory.GetFiles(directory, $"{nodeName}_*{Extension}").Order(StringComparer.Ordinal);

    private async Task WriteLoopAsync()
    {
        var batch = new List<Item>(64);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < 4096 && _queue.Reader.TryRead(out var item))
            {
                if (ReferenceEquals(item, Item.Probe))
                {
                    Probe();
                    continue;
                }

                batch.Add(item);
            }

            Commit(batch);
            batch.Clear();
        }
    }

    private void Commit(List<Item> batch)
    {
        var intents = 0;
        try
        {
            foreach (var item in batch)
            {
                var file = FileFor(item.Line.Length);
                _faults?.ThrowIfInjected();
                file.Segment.Write(item.Line);
                if (item.Intent)
                {
                    intents++;
                    file.Open++;
                    lock (_pending)
                    {
                        _pending[item.Ticket] = file;
                    }
                }
                else
                {
                    Retire(item.Ticket);
                }
            }

            if (intents > 0)
            {
                _files.Last!.Value.Segment.Sync();
                // Files before the last were synced when they filled up.
            }

            Volatile.Write(ref _failing, 0);
            foreach (var item in batch)
            {
                item.Durable?.TrySetResult(new AuditIntent(item.Ticket));
            }
        }
        catch (Exception e)
        {
            LogWriteFailed(_logger, e, intents);
            Interlocked.Increment(ref _writeFailures);
            Volatile.Write(ref _failing, 1);
            foreach (var item in batch)
            {
                // A failed intent never began; a retirement marker that may be lost only makes a restart record
                // that request twice. Either way the file must not be kept open for it forever.
                Retire(item.Ticket);
                item.Durable?.TrySetException(e);
            }

            // The state of the last file is unknown after a failed write: keep it for recovery, start anew.
            if (_files.Last is { } last)
            {
                last.Value.Full = true;
            }
        }

        RemoveRetiredFiles();
    }

    private JournalFile FileFor(int length)
    {
        if (_files.Last is { Value: { Full: false } current } && current.Segment.Remaining >= length)
        {
            return current;
        }

        if (_files.Last is { } last && !last.Value.Full)
        {
            last.Value.Segment.Sync();
            last.Value.Full = true;
        }

        _faults?.ThrowIfInjected();
        var number = _nextFile++;
        var temporary = Path.Combine(_directory, $".{_nodeName}_{number:D12}.tmp");
        var segment = AuditSegment.Prepare(temporary, Math.Max(_segmentBytes, length));
        segment.Activate(Path.Combine(_directory, $"{_nodeName}_{number:D12}{Extension}"), period: 0);
        var file = new JournalFile(segment);
        _files.AddLast(file);
        return file;
    }

    private void ProbeIfFailing()
    {
        if (!Writable)
        {
            _queue.Writer.TryWrite(Item.Probe);
        }
    }

    /// <summary>Retries what a failed write needs next (a new file, as the last one is set aside); on the writer.</summary>
    private void Probe()
    {
        if (Writable)
        {
            return;
        }

        try
        {
            FileFor(1);
            Volatile.Write(ref _failing, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still failing: retried at the next probe, and by the next request.
        }
    }

    private void Retire(long ticket)
    {
        JournalFile? file;
        lock (_pending)
        {
            if (!_pending.Remove(ticket, out file))
            {
                return;
            }
        }

        file.Open--;
    }

    /// <summary>Oldest first, so that a retirement marker is never deleted while the intent it retires is kept.</summary>
    private void RemoveRetiredFiles()
    {
        while (_files.First is { Value: { Full: true, Open: 0 } done })
        {
            _files.RemoveFirst();
            try
            {
                done.Segment.Discard();
            }
            catch (IOException e)
            {
                LogWriteFailed(_logger, e, 0);
            }
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Critical, Message = "Writing {Count} audit intents failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    private sealed class JournalFile(AuditSegment segment)
    {
        public AuditSegment Segment { get; } = segment;

        /// <summary>Intents written here and not yet retired; touched by the writer only.</summary>
        public int Open { get; set; }

        public bool Full { get; set; }
    }

    private sealed class Item(long ticket, byte[] line, bool intent)
    {
        public static readonly Item Probe = new(0, [], intent: false);

        public long Ticket { get; } = ticket;

        public byte[] Line { get; } = line;

        public bool Intent { get; } = intent;

        public TaskCompletionSource<AuditIntent>? Durable { get; } =
            intent ? new TaskCompletionSource<AuditIntent>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }
}
