using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Trent.Audit.Index;

/// <summary>The prepared statements of one index transaction.</summary>
internal sealed class IndexInserter
{
    private readonly SqliteCommand _event;
    private readonly SqliteCommand _resource;
    private readonly SqliteCommand _usage;
    private readonly SqliteCommand _file;
    private readonly Dictionary<string, IndexedRecord> _lastUse = new(StringComparer.Ordinal);

    public IndexInserter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _event = Command(connection, transaction, """
            INSERT OR IGNORE INTO events (event_id, event_time, account_id, aws_region, event_name, event_source, username, access_key_id, read_only, resource_types, record)
            VALUES ($id, $time, $account, $region, $name, $source, $user, $key, $ro, $types, $record) RETURNING seq
            """, "$id", "$time", "$account", "$region", "$name", "$source", "$user", "$key", "$ro", "$types", "$record");
        _resource = Command(connection, transaction,
            "INSERT OR IGNORE INTO event_resources (account_id, name, event_time, seq) VALUES ($account, $name, $time, $seq)",
            "$account", "$name", "$time", "$seq");
        _usage = Command(connection, transaction, """
            INSERT INTO key_last_usage (key_arn, operation, event_time, event_id, request_id) VALUES ($arn, $op, $time, $id, $request)
            ON CONFLICT (key_arn) DO UPDATE SET operation = excluded.operation, event_time = excluded.event_time,
                event_id = excluded.event_id, request_id = excluded.request_id
            WHERE excluded.event_time >= key_last_usage.event_time
            """, "$arn", "$op", "$time", "$id", "$request");
        _file = Command(connection, transaction, "INSERT OR IGNORE INTO indexed_files (name) VALUES ($name)", "$name");
    }

    public void Add(JsonElement element)
    {
        if (IndexedRecord.From(element) is { } record)
        {
            Add(record);
        }
    }

    public void Add(IndexedRecord record)
    {
        Set(_event, record.EventId, record.EventTimeMilliseconds, record.AccountId, record.Region, record.EventName, record.EventSource,
            record.Username, record.AccessKeyId, record.ReadOnly ? 1 : 0, ResourceTypes(record), record.Json);
        if (_event.ExecuteScalar() is not long seq)
        {
            return; // indexed before
        }

        foreach (var (type, arn) in record.Resources)
        {
            Set(_resource, record.AccountId, arn, record.EventTimeMilliseconds, seq);
            _resource.ExecuteNonQuery();
            if (record.TracksKeyUsage && type == "AWS::KMS::Key"
                && (!_lastUse.TryGetValue(arn, out var newer) || newer.EventTimeMilliseconds <= record.EventTimeMilliseconds))
            {
                _lastUse[arn] = record;
            }
        }
    }

    public void MarkFile(string name)
    {
        Set(_file, name);
        _file.ExecuteNonQuery();
    }

    /// <summary>Writes each key's newest use in this transaction once (a busy key is used thousands of times a batch).</summary>
    public void Complete()
    {
        foreach (var (arn, record) in _lastUse)
        {
            Set(_usage, arn, record.EventName, record.EventTimeMilliseconds, record.EventId, record.RequestId ?? string.Empty);
            _usage.ExecuteNonQuery();
        }

        _lastUse.Clear();
    }

    /// <summary>"|AWS::KMS::Key|AWS::KMS::Alias|": matched whole by ResourceType lookups.</summary>
    private static string? ResourceTypes(IndexedRecord record) =>
        record.Resources.Count == 0 ? null : "|" + string.Join("|", record.Resources.Select(r => r.Type).Distinct()) + "|";

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
