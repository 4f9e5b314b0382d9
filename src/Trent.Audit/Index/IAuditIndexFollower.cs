namespace Trent.Audit.Index;

/// <summary>
/// The search index this node's audit log feeds (every durable record and sealed file, off the request path): the
/// local <see cref="SqliteAuditIndex"/> on the embedded store, the shared <see cref="PostgresAuditIndex"/> on
/// PostgreSQL. A node feeds exactly one: on PostgreSQL every lookup answers from the shared index, so a local one
/// would cost the node an index write per record that no lookup reads.
/// </summary>
public interface IAuditIndexFollower : IAuditRecordListener
{
    /// <summary>Records handed over but not yet in the index.</summary>
    long BacklogRecords { get; }

    /// <summary>Bytes of the records counted by <see cref="BacklogRecords"/>.</summary>
    long BacklogBytes { get; }

    /// <summary>Completes once everything handed over before the call is indexed.</summary>
    Task FlushAsync();
}
