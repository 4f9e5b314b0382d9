using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Nodes.NodeAssertions;

namespace Trent.Tests.Nodes;

/// <summary>Background jobs on several nodes: one node at a time, through leases that outlive a dead holder only until they expire.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BackgroundJobTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Due_deletions_wait_for_the_lease_of_a_node_that_died_mid_job_then_run_on_exactly_one_node()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var nodes = await TrentNodes.StartAsync(cluster, 3, o =>
        {
            o.MaintenanceInterval = TimeSpan.FromMilliseconds(100);
            o.JobLeaseDuration = TimeSpan.FromSeconds(2);
        }, clock);
        using var kms = nodes[0].Client();
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 });
            keys.Add(keyId);
        }

        // What a node killed while deleting leaves behind: its lease, unreleased, for a few seconds more.
        await using (var connection = new NpgsqlConnection(nodes.ConnectionString))
        {
            await connection.OpenAsync();
            await using var dead = new NpgsqlCommand(
                "INSERT INTO leases (name, holder, expires_at) VALUES ('job:deletion', 'node-killed/0', clock_timestamp() + interval '3 seconds') " +
                "ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at",
                connection);
            await dead.ExecuteNonQueryAsync();
        }

        clock.Advance(TimeSpan.FromDays(8));
        await Task.Delay(1500);
        foreach (var keyId in keys)
        {
            Assert.Equal("PendingDeletion", (await kms.DescribeKeyAsync(keyId)).KeyMetadata.KeyState.Value);
        }

        await WithinAsync(TimeSpan.FromSeconds(15), async () => await EncryptErrorAsync(kms, keys[^1]) == "NotFoundException", "deletions after the lease expired");
        await WithinAsync(TimeSpan.FromSeconds(5), async () => await EncryptErrorAsync(kms, keys[0]) == "NotFoundException", "every deletion");

        // One node did the whole pass, each key once.
        var deletedBy = nodes.Nodes
            .Select(n => AuditFiles.ReadAll(n.DataDirectory).Count(r =>
                r.GetProperty("eventType").GetString() == "AwsServiceEvent" && r.GetProperty("eventName").GetString() == "DeleteKey"))
            .ToArray();
        Assert.Equal(20, deletedBy.Sum());
        Assert.Single(deletedBy, count => count > 0);
    }

    [Fact]
    public async Task A_lease_has_one_holder_until_it_is_released_or_expires()
    {
        await using var database = await Trent.Storage.Postgres.PostgresDatabase.OpenAsync(await cluster.CreateDatabaseAsync(), default);
        var leases = new Trent.Storage.Postgres.PostgresJobLeases(database);
        var shortly = TimeSpan.FromMilliseconds(600);
        Assert.True(await leases.TryAcquireAsync("job:x", "a", shortly, default));
        Assert.False(await leases.TryAcquireAsync("job:x", "b", shortly, default));
        Assert.True(await leases.TryAcquireAsync("job:y", "b", shortly, default)); // another job's lease is another lease
        Assert.True(await leases.TryAcquireAsync("job:x", "a", shortly, default)); // renewed

        await Task.Delay(1000);
        Assert.True(await leases.TryAcquireAsync("job:x", "b", TimeSpan.FromMinutes(1), default)); // expired: taken over
        Assert.False(await leases.TryAcquireAsync("job:x", "a", shortly, default));
        await leases.ReleaseAsync("job:x", "a", default); // not a's to release
        Assert.False(await leases.TryAcquireAsync("job:x", "a", shortly, default));
        await leases.ReleaseAsync("job:x", "b", default);
        Assert.True(await leases.TryAcquireAsync("job:x", "a", shortly, default));

        var racers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => leases.TryAcquireAsync("job:z", $"racer-{i}", TimeSpan.FromMinutes(1), default))));
        Assert.Single(racers, won => won);
    }
}
