using Microsoft.Data.Sqlite;
using Trent.Domain.Audit;

namespace Trent.Audit.Index;

/// <summary>One lookup as a single range scan over the index that matches its attribute, newest first.</summary>
internal static class AuditLookupSql
{
    public static string Build(AuditLookupQuery query, SqliteParameterCollection parameters)
    {
        parameters.AddWithValue("$account", query.AccountId);
        parameters.AddWithValue("$region", query.Region);
        parameters.AddWithValue("$start", query.StartTime.ToUnixTimeMilliseconds());
        parameters.AddWithValue("$end", query.EndTime.ToUnixTimeMilliseconds());
        parameters.AddWithValue("$limit", query.MaxResults + 1);
        parameters.AddWithValue("$value", query.Attribute == LookupAttribute.ReadOnly
            ? (query.AttributeValue == "true" ? 1 : 0)
            : (object?)query.AttributeValue ?? DBNull.Value);
        parameters.AddWithValue("$after_time", query.After?.EventTimeMilliseconds ?? long.MaxValue);
        parameters.AddWithValue("$after_seq", query.After?.Sequence ?? long.MaxValue);

        // ResourceName and ResourceType scan the resource table and join the event; the others scan events.
        var (from, alias, filter) = query.Attribute switch
        {
            LookupAttribute.ResourceName => ("event_resources r JOIN events e ON e.seq = r.seq", "r", "r.name = $value"),
            LookupAttribute.ResourceType => ("events e INDEXED BY events_by_time", "e", "instr(e.resource_types, '|' || $value || '|') > 0"),
            LookupAttribute.EventId => ("events e", "e", "e.event_id = $value"),
            // The planner would often rather walk the time index (it gives the order for free) and filter: name the index.
            LookupAttribute.EventName => ("events e INDEXED BY events_by_name", "e", "e.event_name = $value"),
            LookupAttribute.Username => ("events e INDEXED BY events_by_user", "e", "e.username = $value"),
            LookupAttribute.AccessKeyId => ("events e INDEXED BY events_by_time", "e", "e.access_key_id = $value"),
            LookupAttribute.EventSource => ("events e INDEXED BY events_by_time", "e", "e.event_source = $value"),
            LookupAttribute.ReadOnly => ("events e INDEXED BY events_by_read_only", "e", "e.read_only = $value"),
            _ => ("events e INDEXED BY events_by_time", "e", "1 = 1"),
        };
        return $"""
            SELECT {alias}.seq, {alias}.event_time, e.record FROM {from}
            WHERE {alias}.account_id = $account AND e.aws_region = $region AND {filter}
              AND {alias}.event_time >= $start AND {alias}.event_time <= $end
              AND ({alias}.event_time < $after_time OR ({alias}.event_time = $after_time AND {alias}.seq < $after_seq))
            ORDER BY {alias}.event_time DESC, {alias}.seq DESC
            LIMIT $limit
            """;
    }
}
