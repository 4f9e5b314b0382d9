namespace Trent.Audit.Index;

/// <summary>
/// The audit search index: a SQLite file beside the trail, rebuilt from the sealed log files if lost (so it
/// is written with synchronous=NORMAL: a crash may lose its newest rows, never the trail's). Lookups by time,
/// EventId, EventName, Username, ReadOnly and ResourceName are index range scans, newest first, so they stay
/// fast at millions of events; the rarer AccessKeyId, EventSource and ResourceType filter the time index, which
/// spares every event two index writes. Times are Unix milliseconds. Events are looked up per account and
/// Region (CloudTrail's event history is per Region).
/// </summary>
internal static class AuditIndexSchema
{
    /// <summary>Raised when the tables change shape: an index of another version is dropped and rebuilt from the trail.</summary>
    public const string Version = "2";

    public const string Drop = """
        DROP TABLE IF EXISTS events;
        DROP TABLE IF EXISTS event_resources;
        DROP TABLE IF EXISTS key_last_usage;
        DROP TABLE IF EXISTS indexed_files;
        DELETE FROM meta WHERE name = 'schema_version';
        """;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            event_time INTEGER NOT NULL,
            account_id TEXT NOT NULL,
            aws_region TEXT NOT NULL,
            event_name TEXT NOT NULL,
            event_source TEXT NOT NULL,
            username TEXT,
            access_key_id TEXT,
            read_only INTEGER NOT NULL,
            resource_types TEXT,
            record BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_by_time ON events (account_id, aws_region, event_time, seq);
        CREATE INDEX IF NOT EXISTS events_by_name ON events (account_id, aws_region, event_name, event_time, seq);
        CREATE INDEX IF NOT EXISTS events_by_user ON events (account_id, aws_region, username, event_time, seq);
        CREATE INDEX IF NOT EXISTS events_by_read_only ON events (account_id, aws_region, read_only, event_time, seq);
        CREATE TABLE IF NOT EXISTS event_resources (
            account_id TEXT NOT NULL,
            name TEXT NOT NULL,
            event_time INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (account_id, name, event_time, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS key_last_usage (
            key_arn TEXT PRIMARY KEY,
            operation TEXT NOT NULL,
            event_time INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            request_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS indexed_files (name TEXT PRIMARY KEY) WITHOUT ROWID;
        INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', '2');
        """;
}
