namespace Trent.Domain.Audit;

/// <summary>
/// Where audit events go. <see cref="RecordAsync"/> completes once the event is durable, so a caller that
/// awaits it before answering never acknowledges a request whose record could still be lost.
/// </summary>
public interface IAuditSink
{
    ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>False while records cannot be made durable (for example a full disk): state changes are then refused up front.</summary>
    bool Writable => true;

    /// <summary>Records the copies of one request delivered to several accounts in one durable batch:
    /// completes once all of them are durable, and none becomes durable without the others.</summary>
    ValueTask RecordAsync(IReadOnlyList<AuditEvent> copies, CancellationToken cancellationToken);
}
