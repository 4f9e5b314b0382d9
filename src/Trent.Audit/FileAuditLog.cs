using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Trent.Domain.Audit;

namespace Trent.Audit;

/// <summary>
/// Appends CloudTrail records as JSON lines to segment files under the audit directory, with group commit:
/// one writer drains every record queued so far, writes them and syncs once, then releases all their
/// requests together. No request waits on a sync of its own, and none is answered before its record is on
/// disk. Segments are preallocated (see <see cref="AuditSegment"/>) one ahead, in the background, and a new
/// one starts at every UTC hour and when one is full. Each node writes its own files (node name in the name).
/// </summary>
public sealed partial class FileAuditLog : IAuditSink, IAsyncDisposable
{
    public const long DefaultSegmentBytes = 16 * 1024 * 1024;
    private const int MaxBatch = 4096;
    private readonly string _directory;
    private readonly string _nodeName;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private AuditSegment? _current;
    private Task<AuditSegment>? _next;
    private long _queued;
    private int _disposed;

    public FileAuditLog(string directory, string nodeName, ILogger<FileAuditLog> logger, long segmentBytes = DefaultSegmentBytes)
    {
        _directory = directory;
        _nodeName = nodeName;
        _segmentBytes = segmentBytes;
        _logger = logger;
        Directory.CreateDirectory(directory);
        RecoverAfterCrash();
        _next = PrepareNext();
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Records accepted but not yet durable (counted here: a single-reader channel cannot count).</summary>
    public long QueueDepth => Interlocked.Read(ref _queued);

    /// <summary>The file name prefix of this node's segments; a segment is named by the time it started.</summary>
    public string FilePrefix => $"trent-audit_{_nodeName}_";

    public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var pending = new Pending(auditEvent.EventTime, CloudTrailRecord.ToJsonLine(auditEvent));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The audit log is closed.");
        }

        Interlocked.Increment(ref _queued);
        return new ValueTask(pending.Durable.Task);
    }

    /// <summary>Idempotent: the container may dispose the log once per service it is registered as.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _current?.Close();
        _current = null;
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
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(256);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                foreach (var pending in batch)
                {
                    var hour = pending.EventTime.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);
                    if (_current is null || _current.Hour != hour || _current.Remaining < buffer.WrittenCount + pending.Line.Length)
                    {
                        Flush(buffer);
                        await RollAsync(pending.EventTime, hour).ConfigureAwait(false);
                    }

                    buffer.Write(pending.Line);
                }

                Flush(buffer);
                _current!.Sync();
                batch.ForEach(p => p.Durable.TrySetResult());
            }
            catch (Exception e)
            {
                LogWriteFailed(_logger, e, batch.Count);
                batch.ForEach(p => p.Durable.TrySetException(e));
                buffer.ResetWrittenCount();
                AbandonCurrent();
            }

            Interlocked.Add(ref _queued, -batch.Count);
            batch.Clear();
        }
    }

    private void Flush(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.WrittenCount > 0)
        {
            _current!.Write(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
        }
    }

    /// <summary>Closes the current segment (durably) and activates the prepared one.</summary>
    private async Task RollAsync(DateTimeOffset start, string hour)
    {
        if (_current is not null)
        {
            _current.Sync();
            _current.Close();
            _current = null;
        }

        var next = await (_next ?? PrepareNext()).ConfigureAwait(false);
        _next = PrepareNext();
        var name = $"{FilePrefix}{start.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}.jsonl";
        var path = Path.Combine(_directory, name);
        for (var n = 1; File.Exists(path); n++)
        {
            path = Path.Combine(_directory, Path.GetFileNameWithoutExtension(name) + $"-{n}.jsonl");
        }

        next.Activate(path, hour);
        _current = next;
    }

    private Task<AuditSegment> PrepareNext()
    {
        var temporary = Path.Combine(_directory, $".next_{_nodeName}_{Guid.NewGuid():N}.tmp");
        return Task.Run(() => AuditSegment.Prepare(temporary, _segmentBytes));
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
            AuditSegment.Recover(path);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Trims this node's segments left with a zero tail by a crash, and keeps prepared files that received
    /// records before their rename became durable (removing only the empty ones).
    /// </summary>
    private void RecoverAfterCrash()
    {
        foreach (var file in Directory.GetFiles(_directory, $".next_{_nodeName}_*.tmp"))
        {
            if (AuditSegment.Recover(file) == 0)
            {
                File.Delete(file);
            }
            else
            {
                File.Move(file, Path.Combine(_directory, $"{FilePrefix}recovered-{Path.GetFileNameWithoutExtension(file)}.jsonl"));
            }
        }

        foreach (var file in Directory.GetFiles(_directory, FilePrefix + "*.jsonl"))
        {
            AuditSegment.Recover(file);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Critical, Message = "Writing {Count} audit records failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    private sealed class Pending(DateTimeOffset eventTime, byte[] line)
    {
        public DateTimeOffset EventTime { get; } = eventTime;

        public byte[] Line { get; } = line;

        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
