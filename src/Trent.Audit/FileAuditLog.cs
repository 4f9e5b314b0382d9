using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Trent.Domain.Audit;

namespace Trent.Audit;

/// <summary>
/// Appends CloudTrail records as JSON lines to hourly files under the audit directory, with group commit:
/// one writer drains every record queued so far, writes them and fsyncs once, then releases all their
/// requests together. No request waits on an fsync of its own, and none is answered before its record
/// is on disk. Each node writes its own files (the node name is in the file name).
/// </summary>
public sealed partial class FileAuditLog : IAuditSink, IAsyncDisposable
{
    private const int MaxBatch = 4096;
    private readonly string _directory;
    private readonly string _nodeName;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private FileStream? _file;
    private string? _fileHour;

    public FileAuditLog(string directory, string nodeName, ILogger<FileAuditLog> logger)
    {
        _directory = directory;
        _nodeName = nodeName;
        _logger = logger;
        Directory.CreateDirectory(directory);
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private long _queued;

    /// <summary>Records accepted but not yet durable (counted here: a single-reader channel cannot count).</summary>
    public long QueueDepth => Interlocked.Read(ref _queued);

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

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(256);
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
                    FileFor(pending.EventTime).Write(pending.Line);
                }

                _file!.Flush(flushToDisk: true);
                batch.ForEach(p => p.Durable.TrySetResult());
            }
            catch (Exception e)
            {
                LogWriteFailed(_logger, e, batch.Count);
                batch.ForEach(p => p.Durable.TrySetException(e));
                CloseFile();
            }

            Interlocked.Add(ref _queued, -batch.Count);
            batch.Clear();
        }
    }

    private FileStream FileFor(DateTimeOffset eventTime)
    {
        var hour = eventTime.UtcDateTime.ToString("yyyyMMdd'T'HH'00Z'", CultureInfo.InvariantCulture);
        if (_file is not null && hour == _fileHour)
        {
            return _file;
        }

        if (_file is not null)
        {
            _file.Flush(flushToDisk: true);
            CloseFile();
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        _file = new FileStream(Path.Combine(_directory, $"trent-audit_{_nodeName}_{hour}.jsonl"), options);
        _fileHour = hour;
        return _file;
    }

    private void CloseFile()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
        }

        _file = null;
        _fileHour = null;
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
