using Trent.Domain.Storage;

namespace Trent.Storage.Postgres;

/// <summary>Leases as rows of <c>leases</c> (migration 3), taken with one upsert that only succeeds on a free,
/// expired or own lease; expiry is the database's clock.</summary>
public sealed class PostgresJobLeases(PostgresDatabase database) : IJobLeases
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, clock_timestamp() + @duration)
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < clock_timestamp()
            RETURNING 1
            """);
        command.Parameters.Text("name", name);
        command.Parameters.Text("holder", holder);
        command.Parameters.AddWithValue("duration", duration);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM leases WHERE name = @name AND holder = @holder");
        command.Parameters.Text("name", name);
        command.Parameters.Text("holder", holder);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
