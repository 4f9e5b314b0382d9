using System.Net.Sockets;
using Npgsql;
using Trent.Domain.Storage;

namespace Trent.Storage.Postgres;

/// <summary>
/// PostgreSQL's "unavailable, retry" failures: no connection (refused, reset, timed out, no host of a multi-host
/// string is a primary yet), the server shutting down or starting (57P01–57P03), connection exceptions (class 08),
/// too many connections (53300), and a standby refusing a write (25006) while a failover is under way.
/// </summary>
public sealed class PostgresFaults : IStoreFaults
{
    public bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p:
                    return p.IsTransient || p.SqlState is "25006" or "57P01" or "57P02" or "57P03" or "53300" || p.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException:
                    // Not the server's answer: the connection could not be made, was lost or timed out.
                    return true;
                case SocketException or TimeoutException or IOException:
                    return true;
            }
        }

        return false;
    }
}
