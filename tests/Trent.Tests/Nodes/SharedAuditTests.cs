using System.Text.Json;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Tests.Cli;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Nodes;

/// <summary>
/// Each node keeps its own tamper-evident trail (its node name in the file names, its own chain and signing key),
/// while LookupEvents and GetKeyLastUsage answer the same on every node from the index they share in PostgreSQL;
/// <c>trent audit verify --trail</c> checks the trails of all nodes together.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedAuditTests(PostgresCluster cluster)
{
    private const string LookupTarget = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

    [Fact]
    public async Task Lookups_and_key_usage_answer_the_same_on_every_node_and_the_nodes_trails_verify_together()
    {
        await using var set = await TrentNodes.StartAsync(cluster, 0);
        var directories = new[] { TestTrent.NewDataDirectory(), TestTrent.NewDataDirectory() };
        try
        {
            string keyArn;
            await using (var a = await TestTrent.StartAsync(directories[0], configure: o => set.Configure(o, "node-a")))
            await using (var b = await TestTrent.StartAsync(directories[1], configure: o => set.Configure(o, "node-b")))
            {
                using var kmsA = a.Client();
                using var kmsB = b.Client();
                var key = (await kmsA.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
                keyArn = key.Arn;
                var ciphertext = (await NodeAssertions.EncryptAsync(kmsA, key.KeyId)).CiphertextBlob;
                var decrypt = await kmsB.DecryptAsync(new DecryptRequest { CiphertextBlob = ciphertext });
                foreach (var node in new[] { a, b })
                {
                    await node.Server.Services.GetRequiredService<IAuditIndexFollower>().FlushAsync();
                }

                // Each trail holds only its own node's requests.
                Assert.Contains(AuditFiles.ReadAll(a.DataDirectory), r => r.GetProperty("eventName").GetString() == "Encrypt");
                Assert.DoesNotContain(AuditFiles.ReadAll(a.DataDirectory), r => r.GetProperty("eventName").GetString() == "Decrypt");
                Assert.Contains(AuditFiles.ReadAll(b.DataDirectory), r => r.GetProperty("eventName").GetString() == "Decrypt");
                Assert.All(Directory.GetFiles(Path.Combine(b.DataDirectory, "audit"), "*.json*"), f => Assert.Contains("node-b", Path.GetFileName(f), StringComparison.Ordinal));

                var fromA = await LookupAsync(a, keyArn);
                var fromB = await LookupAsync(b, keyArn);
                Assert.Equal(fromA, fromB);
                Assert.Contains(fromA, e => e.StartsWith("Encrypt ", StringComparison.Ordinal)); // node a's
                Assert.Contains(fromA, e => e.StartsWith("Decrypt ", StringComparison.Ordinal)); // node b's

                var usageA = (await kmsA.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId })).KeyLastUsage;
                var usageB = (await kmsB.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId })).KeyLastUsage;
                Assert.Equal("Decrypt", usageA.Operation.Value);
                Assert.Equal(decrypt.ResponseMetadata.RequestId, usageA.KmsRequestId);
                Assert.Equal((usageA.Operation.Value, usageA.KmsRequestId, usageA.CloudTrailEventId), (usageB.Operation.Value, usageB.KmsRequestId, usageB.CloudTrailEventId));
            }

            var trails = directories.SelectMany(d => new[] { "--trail", Path.Combine(d, "audit") }).ToArray();
            var verified = await TrentCli.RunAsync(["audit", "verify", .. trails]);
            Assert.True(verified.Exit == 0, verified.ToString());
            Assert.Contains("2 trails checked: every trail is intact.", verified.Stdout, StringComparison.Ordinal);

            // One node's trail altered (a sealed file re-written with one record naming another operation): verifying them together fails.
            var log = Directory.GetFiles(Path.Combine(directories[1], "audit"), "*.json.gz").Order(StringComparer.Ordinal).First();
            string content;
            using (var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(log), System.IO.Compression.CompressionMode.Decompress)))
            {
                content = reader.ReadToEnd();
            }

            Assert.Contains("\"Decrypt\"", content, StringComparison.Ordinal);
            using (var writer = new StreamWriter(new System.IO.Compression.GZipStream(File.Create(log), System.IO.Compression.CompressionLevel.Optimal)))
            {
                writer.Write(content.Replace("\"Decrypt\"", "\"Encrypt\"", StringComparison.Ordinal));
            }

            var tampered = await TrentCli.RunAsync(["audit", "verify", .. trails]);
            Assert.True(tampered.Exit == 1, tampered.ToString());
            Assert.Contains("1 FAILED", tampered.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var directory in directories)
            {
                TestTrent.TryDelete(directory);
            }
        }
    }

    /// <summary>The events of a key as one node's LookupEvents lists them: names and IDs, newest first.</summary>
    private static async Task<List<string>> LookupAsync(TestTrent node, string keyArn)
    {
        using var raw = new RawKmsClient(node.Url);
        var body = JsonSerializer.Serialize(new { LookupAttributes = new[] { new { AttributeKey = "ResourceName", AttributeValue = keyArn } } });
        var reply = await raw.SendAsync(LookupTarget, body, service: "cloudtrail");
        Assert.True(reply.Status == 200, reply.Body);
        using var document = JsonDocument.Parse(reply.Body);
        return [.. document.RootElement.GetProperty("Events").EnumerateArray().Select(e => e.GetProperty("EventName").GetString() + " " + e.GetProperty("EventId").GetString())];
    }
}
