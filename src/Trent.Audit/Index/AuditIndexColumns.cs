using Npgsql;
using NpgsqlTypes;

namespace Trent.Audit.Index;

/// <summary>
/// A batch of audit records as one array per column, for <see cref="PostgresAuditIndex"/> to insert with one
/// statement per table. Text is cleaned of U+0000 (<see cref="PostgresAuditIndex.Clean"/>); the record is kept whole.
/// </summary>
internal sealed class AuditIndexColumns(int capacity)
{
    /// <summary>
    /// Events and their resources in one statement: the resources of the events inserted now only (an event indexed
    /// before keeps its rows), in the batch's order so that identities (<c>seq</c>, the tie-break of equal times)
    /// follow the trail's order as they did one insert at a time.
    /// </summary>
    private const string InsertEventsSql = """
        WITH inserted AS (
            INSERT INTO audit_events (event_id, event_time, account_id, aws_region, event_name, event_source, username, access_key_id, read_only, resource_types, record)
            SELECT event_id, event_time, account_id, aws_region, event_name, event_source, username, access_key_id, read_only, resource_types, record
            FROM unnest(@id, @time, @account, @region, @name, @source, @user, @key, @ro, @types, @record) WITH ORDINALITY
                AS t(event_id, event_time, account_id, aws_region, event_name, event_source, username, access_key_id, read_only, resource_types, record, n)
            ORDER BY n
            ON CONFLICT (event_id) DO NOTHING RETURNING seq, event_id, event_time, account_id)
        INSERT INTO audit_event_resources (account_id, name, event_time, seq)
        SELECT i.account_id, r.name, i.event_time, i.seq FROM inserted i JOIN unnest(@resource_event, @resource_name) AS r(event_id, name) ON r.event_id = i.event_id
        ON CONFLICT DO NOTHING
        """;

    private readonly List<string> _ids = new(capacity), _accounts = new(capacity), _regions = new(capacity), _names = new(capacity), _sources = new(capacity);
    private readonly List<string?> _users = new(capacity), _keys = new(capacity), _types = new(capacity);
    private readonly List<long> _times = new(capacity);
    private readonly List<bool> _readOnly = new(capacity);
    private readonly List<byte[]> _json = new(capacity);
    private readonly List<string> _resourceEvents = [], _resourceNames = [];

    public void Add(IndexedRecord record)
    {
        var id = PostgresAuditIndex.Clean(record.EventId)!;
        _ids.Add(id);
        _times.Add(record.EventTimeMilliseconds);
        _accounts.Add(PostgresAuditIndex.Clean(record.AccountId)!);
        _regions.Add(PostgresAuditIndex.Clean(record.Region)!);
        _names.Add(PostgresAuditIndex.Clean(record.EventName)!);
        _sources.Add(PostgresAuditIndex.Clean(record.EventSource)!);
        _users.Add(PostgresAuditIndex.Clean(record.Username));
        _keys.Add(PostgresAuditIndex.Clean(record.AccessKeyId));
        _readOnly.Add(record.ReadOnly);
        _types.Add(record.Resources.Count == 0 ? null
            : "|" + string.Join("|", record.Resources.Select(r => PostgresAuditIndex.Clean(r.Type)).Distinct()) + "|");
        _json.Add(record.Json);
        foreach (var (_, arn) in record.Resources)
        {
            _resourceEvents.Add(id);
            _resourceNames.Add(PostgresAuditIndex.Clean(arn)!);
        }
    }

    public NpgsqlBatchCommand InsertEvents()
    {
        var command = new NpgsqlBatchCommand(InsertEventsSql);
        (string Name, NpgsqlDbType Type, object Values)[] columns =
        [
            ("id", NpgsqlDbType.Text, _ids.ToArray()), ("time", NpgsqlDbType.Bigint, _times.ToArray()), ("account", NpgsqlDbType.Text, _accounts.ToArray()),
            ("region", NpgsqlDbType.Text, _regions.ToArray()), ("name", NpgsqlDbType.Text, _names.ToArray()), ("source", NpgsqlDbType.Text, _sources.ToArray()),
            ("user", NpgsqlDbType.Text, _users.ToArray()), ("key", NpgsqlDbType.Text, _keys.ToArray()), ("ro", NpgsqlDbType.Boolean, _readOnly.ToArray()),
            ("types", NpgsqlDbType.Text, _types.ToArray()), ("record", NpgsqlDbType.Bytea, _json.ToArray()),
            ("resource_event", NpgsqlDbType.Text, _resourceEvents.ToArray()), ("resource_name", NpgsqlDbType.Text, _resourceNames.ToArray()),
        ];
        foreach (var (name, type, values) in columns)
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values });
        }

        return command;
    }

    /// <summary>Each key's newest use (one row per key: an upsert may not touch a row twice in one statement).</summary>
    public static NpgsqlBatchCommand UpsertLastUsage(IReadOnlyList<(string Arn, IndexedRecord Record)> uses)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO audit_key_last_usage (key_arn, operation, event_time, event_id, request_id)
            SELECT * FROM unnest(@arn, @op, @time, @id, @request)
            ON CONFLICT (key_arn) DO UPDATE SET operation = EXCLUDED.operation, event_time = EXCLUDED.event_time,
                event_id = EXCLUDED.event_id, request_id = EXCLUDED.request_id
            WHERE EXCLUDED.event_time >= audit_key_last_usage.event_time
            """);
        var p = command.Parameters;
        p.Add(Array("arn", NpgsqlDbType.Text, uses.Select(u => u.Arn).ToArray()));
        p.Add(Array("op", NpgsqlDbType.Text, uses.Select(u => PostgresAuditIndex.Clean(u.Record.EventName)!).ToArray()));
        p.Add(Array("time", NpgsqlDbType.Bigint, uses.Select(u => PostgresAuditIndex.UsedAt(u.Record)).ToArray()));
        p.Add(Array("id", NpgsqlDbType.Text, uses.Select(u => PostgresAuditIndex.Clean(u.Record.EventId)!).ToArray()));
        p.Add(Array("request", NpgsqlDbType.Text, uses.Select(u => PostgresAuditIndex.Clean(u.Record.RequestId) ?? string.Empty).ToArray()));
        return command;
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values as T[] ?? values.ToArray() };
}
