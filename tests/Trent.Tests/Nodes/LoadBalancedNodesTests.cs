using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Nodes.NodeAssertions;

namespace Trent.Tests.Nodes;

/// <summary>
/// Three <c>trent serve</c> processes (separate data directories and node names, one root key file, one PostgreSQL
/// database) behind a real haproxy, driven by the AWS SDK for .NET.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LoadBalancedNodesTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_key_created_through_one_node_is_used_rotated_and_disabled_through_the_others_and_the_load_balancer()
    {
        await using var nodes = await ProcessNodes.StartAsync(cluster, 3);
        using var lb = Client(nodes.Balancer.Url);
        using var a = Client(nodes[0].Url);
        using var b = Client(nodes[1].Url);
        using var c = Client(nodes[2].Url);

        var keyId = (await a.CreateKeyAsync(new CreateKeyRequest { Description = "shared" })).KeyMetadata.KeyId;
        var before = (await EncryptAsync(b, keyId)).CiphertextBlob.ToArray();
        Assert.Equal(keyId, (await c.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(before) })).KeyId.Split('/')[^1]);

        await b.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId });
        Assert.Single((await c.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId })).Rotations);
        var after = (await EncryptAsync(c, keyId)).CiphertextBlob.ToArray();
        foreach (var ciphertext in new[] { before, after })
        {
            Assert.Equal(keyId, (await a.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) })).KeyId.Split('/')[^1]);
        }

        await c.DisableKeyAsync(keyId);
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(a, keyId) == "DisabledException", "disabled on node a");
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(b, keyId) == "DisabledException", "disabled on node b");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("DisabledException", await EncryptErrorAsync(lb, keyId)); // every node behind the balancer agrees
        }

        await lb.EnableKeyAsync(keyId);
        await WithinAsync(AnnouncementBound, async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                if (await EncryptErrorAsync(lb, keyId) is not null)
                {
                    return false;
                }
            }

            return true;
        }, "enabled on every node");
    }

    [Fact]
    public async Task Kill_9_of_one_node_under_load_the_others_keep_serving_and_nothing_acknowledged_is_lost()
    {
        await using var nodes = await ProcessNodes.StartAsync(cluster, 3);
        using var lb = Client(nodes.Balancer.Url);
        var shared = (await lb.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var created = new ConcurrentBag<string>();
        var ciphertexts = new ConcurrentBag<byte[]>();
        var failures = new ConcurrentBag<(TimeSpan At, string Error)>();
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.FromSeconds(2);
        var end = TimeSpan.FromSeconds(8);

        // Four clients, bounded in time, alternating a write (CreateKey) and a read (Encrypt under a shared key).
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            using var kms = Client(nodes.Balancer.Url);
            for (var i = 0; clock.Elapsed < end; i++)
            {
                try
                {
                    if (i % 2 == 0)
                    {
                        created.Add((await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId);
                    }
                    else
                    {
                        ciphertexts.Add((await EncryptAsync(kms, shared)).CiphertextBlob.ToArray());
                    }
                }
                catch (Exception e) when (e is AmazonServiceException or HttpRequestException or TaskCanceledException)
                {
                    failures.Add((clock.Elapsed, e.GetType().Name + ": " + e.Message));
                }
            }
        })).ToArray();

        await Task.Delay(killedAt);
        nodes[1].Kill();
        var served = created.Count + ciphertexts.Count;
        await Task.WhenAll(workers);

        var afterKill = created.Count + ciphertexts.Count - served;
        Assert.True(afterKill > 50, $"only {afterKill} requests were served after the kill");
        // Once the balancer has seen the node gone (two failed checks, 200 ms apart), nothing fails.
        Assert.DoesNotContain(failures, f => f.At > killedAt + TimeSpan.FromSeconds(2));

        // Everything acknowledged is there, through each surviving node.
        using var a = Client(nodes[0].Url);
        using var c = Client(nodes[2].Url);
        foreach (var keyId in created)
        {
            Assert.Equal(KeyState.Enabled, (await a.DescribeKeyAsync(keyId)).KeyMetadata.KeyState);
        }

        foreach (var ciphertext in ciphertexts)
        {
            Assert.Equal(shared, (await c.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) })).KeyId.Split('/')[^1]);
        }
    }

    private static AmazonKeyManagementServiceClient Client(string url)
    {
        var config = TestTrent.Config(url);
        config.Timeout = TimeSpan.FromSeconds(10);
        return new AmazonKeyManagementServiceClient(TestTrent.AccessKeyId, TestTrent.SecretAccessKey, config);
    }

    /// <summary>The processes, their directories, the shared root key and the balancer; all stopped and removed at the end.</summary>
    private sealed class ProcessNodes : IAsyncDisposable
    {
        private readonly List<TrentProcess> _processes = [];
        private readonly List<string> _directories = [];
        private string _rootKey = string.Empty;

        public Haproxy Balancer { get; private set; } = null!;

        public TrentProcess this[int index] => _processes[index];

        public static async Task<ProcessNodes> StartAsync(PostgresCluster cluster, int count)
        {
            var nodes = new ProcessNodes();
            try
            {
                var store = await cluster.CreateDatabaseAsync();
                nodes._rootKey = TrentNodes.NewRootKeyFile();
                for (var i = 0; i < count; i++)
                {
                    var data = TestTrent.NewDataDirectory();
                    nodes._directories.Add(data);
                    nodes._processes.Add(await TrentProcess.StartAsync(
                        data,
                        ["--root-key", nodes._rootKey, "--node-name", $"node-{(char)('a' + i)}"],
                        new Dictionary<string, string> { ["TRENT_STORE"] = store }));
                }

                nodes.Balancer = await Haproxy.StartAsync(nodes._processes.Select(p => p.Url));
                return nodes;
            }
            catch
            {
                await nodes.DisposeAsync();
                throw;
            }
        }

        public ValueTask DisposeAsync()
        {
            Balancer?.Dispose();
            foreach (var process in _processes)
            {
                process.Dispose();
            }

            foreach (var directory in _directories)
            {
                TestTrent.TryDelete(directory);
            }

            if (_rootKey.Length > 0)
            {
                File.Delete(_rootKey);
            }

            return default;
        }
    }
}
