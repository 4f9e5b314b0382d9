using System.Security.Cryptography;
using System.Text.Json;
using Amazon.KeyManagementService.Model;
using Trent.Server;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Sealing;

/// <summary>Two nodes on one PostgreSQL database: a rotation made through one reaches the other before anything seals under it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DomainKeyRotationAcrossNodesTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_rotation_through_one_node_reaches_the_other_before_the_new_key_seals_anything()
    {
        var store = await cluster.CreateDatabaseAsync();
        var dataA = TestTrent.NewDataDirectory();
        var dataB = TestTrent.NewDataDirectory();
        var activation = TimeSpan.FromSeconds(2);
        Action<TrentServerOptions> node(string name) => o =>
        {
            o.Store = store;
            o.NodeName = name;
            o.DomainKeyRefreshInterval = TimeSpan.FromMilliseconds(250);
            o.DomainKeyActivationDelay = activation;
        };
        try
        {
            await using var a = await TestTrent.StartAsync(dataA, configure: node("node-a"));
            // The second node shares the first one's root key file: one root of trust for every node of a store.
            Directory.CreateDirectory(dataB);
            File.Copy(Path.Combine(dataA, "root.key"), Path.Combine(dataB, "root.key"));
            await using var b = await TestTrent.StartAsync(dataB, configure: node("node-b"));
            using var rawA = new RawKmsClient(a.Url);
            using var rawB = new RawKmsClient(b.Url);

            var rotated = await rawA.SendAsync("TrentAdmin.RotateDomainKey", "{}");
            Assert.Equal(200, rotated.Status);
            using (var answer = JsonDocument.Parse(rotated.Body))
            {
                var key = answer.RootElement.GetProperty("DomainKey");
                Assert.Equal(2, key.GetProperty("Version").GetInt64());
                Assert.False(key.GetProperty("Current").GetBoolean()); // not before the activation delay
            }

            // Node B knows version 2 (it is listed) while both nodes still seal under version 1.
            var seen = await DomainKeyRotationTests.DescribeAsync(rawB);
            Assert.Equal(1, seen.GetProperty("CurrentDomainKeyVersion").GetInt64());
            Assert.Equal(2, seen.GetProperty("DomainKeys").GetArrayLength());

            // After the delay, node A seals new material under version 2 and node B opens it.
            await DomainKeyRotationTests.WaitForPassAsync(rawA, version: 2);
            using var kmsA = a.Client();
            using var kmsB = b.Client();
            var keyId = (await kmsA.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            var plaintext = RandomNumberGenerator.GetBytes(32);
            var ciphertext = (await kmsA.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) })).CiphertextBlob;
            Assert.Equal(plaintext, (await kmsB.DecryptAsync(new DecryptRequest { CiphertextBlob = ciphertext })).Plaintext.ToArray());
            // Node B itself seals under version 2 from its next refresh after the activation time.
            var activated = DateTime.UtcNow.AddSeconds(10);
            while ((await DomainKeyRotationTests.DescribeAsync(rawB)).GetProperty("CurrentDomainKeyVersion").GetInt64() != 2)
            {
                Assert.True(DateTime.UtcNow < activated, "node B did not activate version 2 within 10 s");
                await Task.Delay(100);
            }

            // Each node re-seals the audit signing key of its own data directory, though node A's pass set the store's marker.
            foreach (var data in new[] { dataA, dataB })
            {
                var path = Path.Combine(data, "audit-signing.key");
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (Trent.Crypto.Sealing.Sealer.SealedVersion(File.ReadAllBytes(path)) != 2)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{path} was not re-sealed under version 2 within 10 s");
                    await Task.Delay(100);
                }
            }

            // A third node without the root key file is refused (no new root is made over sealed data), and with
            // another root key it cannot unwrap the store's domain keys.
            var dataC = TestTrent.NewDataDirectory();
            var missing = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(dataC, configure: node("node-c")));
            Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
            Directory.CreateDirectory(dataC);
            File.WriteAllBytes(Path.Combine(dataC, "root.key"), RandomNumberGenerator.GetBytes(32));
            var refused = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(dataC, configure: node("node-c")));
            Assert.Contains("cannot unwrap", refused.Message, StringComparison.Ordinal);
            TestTrent.TryDelete(dataC);
        }
        finally
        {
            TestTrent.TryDelete(dataA);
            TestTrent.TryDelete(dataB);
        }
    }
}
