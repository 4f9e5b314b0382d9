using Npgsql;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Nodes;

/// <summary>Three nodes starting at once on one empty database: one schema, one key hierarchy, one administrator.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BootstrapRaceTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Three_nodes_starting_together_on_an_empty_database_create_exactly_one_administrator()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var rootKey = TrentNodes.NewRootKeyFile();
        var directories = Enumerable.Range(0, 3).Select(_ => TestTrent.NewDataDirectory()).ToArray();
        var starts = directories.Select((directory, i) => Task.Run(() => TestTrent.StartAsync(directory, configure: o =>
        {
            o.Store = connectionString;
            o.RootKeyFile = rootKey;
            o.NodeName = $"node-{i}";
            o.AdminAccessKeyId = null;
            o.AdminSecretAccessKey = null;
        }))).ToArray();
        try
        {
            var nodes = await Task.WhenAll(starts);
            var generated = nodes.Where(n => n.Server.GeneratedCredentials is not null).ToArray();
            var creator = Assert.Single(generated);
            Assert.Single(directories, d => File.Exists(Path.Combine(d, "credentials")));

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM access_keys", connection);
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);

            // The one administrator works through every node.
            var credentials = creator.Server.GeneratedCredentials!;
            foreach (var node in nodes)
            {
                using var kms = node.Client(credentials.AccessKeyId, credentials.SecretAccessKey);
                await kms.CreateKeyAsync(new Amazon.KeyManagementService.Model.CreateKeyRequest());
            }
        }
        finally
        {
            foreach (var start in starts)
            {
                if (start.IsCompletedSuccessfully)
                {
                    await (await start).DisposeAsync();
                }
            }

            foreach (var directory in directories)
            {
                TestTrent.TryDelete(directory);
            }

            File.Delete(rootKey);
        }
    }
}
