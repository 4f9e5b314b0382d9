using Trent.Audit.Files;
using Trent.Domain.Audit;

namespace Trent.Audit;

/// <summary>Follows the committed audit stream (the search index and key-usage tracking), off the request path.</summary>
public interface IAuditRecordListener
{
    /// <summary>Records that just became durable. Runs on the log writer: must only hand off.</summary>
    void OnDurable(IReadOnlyList<DurableRecord> records);

    /// <summary>A log file was sealed (complete, compressed, durable). <paramref name="recordsSeenLive"/> says
    /// whether every record in it went through <see cref="OnDurable"/> first (false for a previous run's files).</summary>
    void OnSealed(SealedLogFile file, bool recordsSeenLive);
}

/// <summary>An audit event and its CloudTrail JSON line, as written to the log.</summary>
public readonly record struct DurableRecord(AuditEvent Event, byte[] Line);
