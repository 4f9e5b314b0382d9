using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Domain.CustomKeyStores;
using Trent.Tests.Infrastructure;
using Trent.Tests.Sealing;

namespace Trent.Tests.Nodes;

/// <summary>Two node processes on one PostgreSQL database and one SoftHSM2 token: a custom key store's connection
/// state, changed through one node, holds on the other within its documented bound.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Pkcs11")]
public sealed class CustomKeyStoreAcrossNodesTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_store_disconnected_through_one_node_stops_serving_on_the_other_within_the_recheck_interval()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var store = await cluster.CreateDatabaseAsync();
        var rootKey = TrentNodes.NewRootKeyFile();
        var dataA = TestTrent.NewDataDirectory();
        var dataB = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(dataA);
        var config = CustomKeyStoreTests.WriteConfig(dataA, [(CustomKeyStoreTests.ClusterA, "cks-a")]);
        var environment = new Dictionary<string, string>(hsm.Environment) { ["TRENT_STORE"] = store };
        string[] Arguments(string node) => ["--config", config, "--root-key", rootKey, "--node-name", node];
        using (var a = await TrentProcess.StartAsync(dataA, Arguments("node-a"), environment))
        using (var b = await TrentProcess.StartAsync(dataB, Arguments("node-b"), environment))
        {
            using var kmsA = Pkcs11RootOfTrustTests.Client(a);
            using var kmsB = Pkcs11RootOfTrustTests.Client(b);
            var (storeId, _) = await CustomKeyStoreTests.CreateAndConnectAsync(kmsA, CustomKeyStoreTests.Create("shared", CustomKeyStoreTests.ClusterA));
            var key = (await CustomKeyStoreTests.CreateKeyAsync(kmsA, storeId)).KeyMetadata;

            // Node B logs in on first use and serves the key.
            var blob = (await kmsB.EncryptAsync(new() { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2]) })).CiphertextBlob;
            Assert.Equal(new byte[] { 1, 2 }, (await kmsA.DecryptAsync(new() { CiphertextBlob = blob })).Plaintext.ToArray());

            await kmsA.DisconnectCustomKeyStoreAsync(new() { CustomKeyStoreId = storeId });
            var deadline = DateTime.UtcNow + CustomKeyStoreConnections.StateRecheckInterval + TimeSpan.FromSeconds(5);
            while (true)
            {
                try
                {
                    await kmsB.EncryptAsync(new() { KeyId = key.KeyId, Plaintext = new MemoryStream([3]) });
                }
                catch (KMSInvalidStateException e)
                {
                    Assert.Equal($"{key.Arn} is unavailable.", e.Message);
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "node B still serves a key of a store disconnected through node A");
                await Task.Delay(100);
            }

            // And stays so: node B logged out, and the store is DISCONNECTED for both.
            await Assert.ThrowsAsync<KMSInvalidStateException>(() => kmsB.DecryptAsync(new() { CiphertextBlob = new MemoryStream(blob.ToArray()) }));
            using var http = new HttpClient { BaseAddress = new Uri(b.Url) };
            Assert.Equal("ready\n", await http.GetStringAsync("/readyz"));

            // Connected again through node B, the key serves on node A too (which logs in on first use).
            await kmsB.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = storeId });
            Assert.Equal(new byte[] { 1, 2 }, (await kmsA.DecryptAsync(new() { CiphertextBlob = new MemoryStream(blob.ToArray()) })).Plaintext.ToArray());
        }

        TestTrent.TryDelete(dataA);
        TestTrent.TryDelete(dataB);
    }
}
