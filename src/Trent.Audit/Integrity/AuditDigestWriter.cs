using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Trent.Audit.Files;

namespace Trent.Audit.Integrity;

/// <summary>
/// Writes this node's signed digest at the end of every digest period (default one hour, aligned to the UTC
/// clock), listing every log file sealed since the previous digest with its SHA-256, and chaining the
/// previous digest's hash and signature. A digest is written even when no file was sealed, so the chain
/// shows the node was running. The log is sealed first, so a digest covers every record made before its end.
/// A file sealed by an earlier run is listed only if its chain MAC shows this trail sealed it; the digest
/// keeps the chain head and the node's first digest (<c>trailStart</c>). Disposing (a clean stop) writes a
/// final digest covering everything written.
/// </summary>
public sealed partial class AuditDigestWriter(
    FileAuditLog log, AuditSigningKey key, TimeSpan interval, TimeProvider clock, ILogger<AuditDigestWriter> logger) : IAsyncDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _turn = new(1, 1);
    private Previous? _previous;
    private bool _loaded;

    public string DigestDirectory => Path.Combine(log.AuditDirectory, AuditFileNames.DigestDirectory);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var end = new DateTimeOffset((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                now = clock.GetUtcNow();
                if (end > now)
                {
                    await Task.Delay(end - now, clock, cancellationToken).ConfigureAwait(false);
                }

                await WriteDigestAsync(end, cancellationToken).ConfigureAwait(false);
                // The next period boundary after this one; periods missed entirely (a stalled host) are not written one by one.
                now = clock.GetUtcNow();
                end = end.Add(interval);
                while (end + interval <= now)
                {
                    end = end.Add(interval);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogDigestFailed(logger, e);
            }
        }
    }

    /// <summary>Seals the log and writes the digest ending at <paramref name="end"/>; returns its path.</summary>
    public async Task<string> WriteDigestAsync(DateTimeOffset end, CancellationToken cancellationToken)
    {
        await log.SealAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Trent.Crypto.PrivateFiles.CreateDirectory(DigestDirectory);
            var previous = LoadPrevious();
            if (previous is not null && end <= previous.End)
            {
                end = previous.End.AddMilliseconds(1); // a final digest in the same millisecond as a periodic one
            }

            var files = Directory.GetFiles(log.AuditDirectory, log.FilePrefix + "*" + AuditFileNames.SealedExtension)
                .Where(f => AuditFileNames.TryParse(Path.GetFileName(f), out var node, out _) && node == log.NodeName)
                .Where(f => previous?.LogFilesThrough is not { } through || string.CompareOrdinal(Path.GetFileName(f), through) > 0)
                .Order(StringComparer.Ordinal)
                .Select(Summarise)
                .OfType<SealedLogFile>()
                .ToList();
            CheckContinuity(previous?.ChainHead, files);
            var name = AuditFileNames.Digest(log.NodeName, end);
            var document = new DigestDocument
            {
                Node = log.NodeName,
                DigestStartTime = previous?.End ?? files.Select(f => f.OldestEventTime).Min() ?? end - interval,
                DigestEndTime = end,
                DigestFile = name,
                OldestEventTime = files.Select(f => f.OldestEventTime).Min(),
                NewestEventTime = files.Select(f => f.NewestEventTime).Max(),
                PreviousDigestFile = previous?.Name,
                PreviousDigestHashValue = previous?.Sha256,
                PreviousDigestSignature = previous?.Signature,
                DigestPublicKeyFingerprint = key.Fingerprint,
                LogFilesThrough = files.Count > 0 ? files[^1].Name : previous?.LogFilesThrough,
                ChainHead = files.Count > 0 ? files[^1].ChainHead : previous?.ChainHead,
                TrailStart = previous is null ? name : previous.TrailStart ?? previous.Name,
                LogFiles = [.. files.Select(f => new DigestLogFile(f.Name, f.Sha256, f.OldestEventTime, f.NewestEventTime, f.Records))],
            };
            var json = document.ToJson();
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(json));
            var signature = Convert.ToHexStringLower(key.Sign(DigestFormat.SigningString(end, name, sha256, previous?.Signature)));

            // The signature goes first: a crash between the two leaves an unused signature, never an unsigned digest.
            var path = Path.Combine(DigestDirectory, name);
            FileSync.WriteAtomically(Path.Combine(DigestDirectory, AuditFileNames.SignatureOf(name)), s => s.Write(Encoding.ASCII.GetBytes(signature + "\n")));
            FileSync.WriteAtomically(path, s => s.Write(json));
            _previous = new Previous(name, end, sha256, signature, document.LogFilesThrough, document.ChainHead, document.TrailStart);
            LogDigestWritten(logger, name, files.Count);
            return path;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>The newest digest of this node, read once from disk (an earlier run may have written it).</summary>
    private Previous? LoadPrevious()
    {
        if (_loaded)
        {
            return _previous;
        }

        _loaded = true;
        var newest = Directory.GetFiles(DigestDirectory, $"{AuditFileNames.DigestPrefix}{log.NodeName}_*{AuditFileNames.DigestExtension}")
            .Where(f => AuditFileNames.TryParse(Path.GetFileName(f), out var node, out _) && node == log.NodeName)
            .Order(StringComparer.Ordinal)
            .LastOrDefault();
        if (newest is null)
        {
            return null;
        }

        var json = File.ReadAllBytes(newest);
        var document = DigestDocument.Parse(json);
        var signaturePath = Path.Combine(DigestDirectory, AuditFileNames.SignatureOf(Path.GetFileName(newest)));
        var signature = File.Exists(signaturePath) ? File.ReadAllText(signaturePath).Trim() : null;
        _previous = new Previous(
            Path.GetFileName(newest), document.DigestEndTime, Convert.ToHexStringLower(SHA256.HashData(json)), signature,
            document.LogFilesThrough, document.ChainHead, document.TrailStart);
        return _previous;
    }

    /// <summary>A clean stop: everything written so far is sealed and covered by a final digest.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await WriteDigestAsync(clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogDigestFailed(logger, e);
        }
    }

    /// <summary>What this run knows of a sealed file, or its chain checked from disk; null (reported) if it is not the trail's.</summary>
    private SealedLogFile? Summarise(string path)
    {
        if (log.TakeSealedSummary(path) is { } known)
        {
            return known;
        }

        try
        {
            return LogFileSealer.Describe(path, log.Chain);
        }
        catch (AuditChainBrokenException e)
        {
            log.ReportBroken(e);
            return null;
        }
    }

    /// <summary>Each file must continue the chain where the one before it ended: a gap means a file was removed.</summary>
    private void CheckContinuity(string? head, List<SealedLogFile> files)
    {
        foreach (var file in files)
        {
            if (head is not null && file.ChainStart != head)
            {
                LogChainGap(logger, file.Name);
            }

            head = file.ChainHead;
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Wrote audit digest {Name} listing {Count} log files")]
    private static partial void LogDigestWritten(ILogger logger, string name, int count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Writing the audit digest failed; the next digest covers its files")]
    private static partial void LogDigestFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Audit log file {Name} does not continue the chain where the file before it ended: a log file is missing")]
    private static partial void LogChainGap(ILogger logger, string name);

    private sealed record Previous(
        string Name, DateTimeOffset End, string Sha256, string? Signature, string? LogFilesThrough, string? ChainHead, string? TrailStart);
}
