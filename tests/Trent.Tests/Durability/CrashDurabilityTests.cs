using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

/// <summary>What a client was told succeeded must survive <c>kill -9</c>: keys and their audit records.</summary>
public sealed class CrashDurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_CreateKey_and_its_audit_record_survive_kill_9()
    {
        var data = TestTrent.NewDataDirectory();
        var acknowledged = new ConcurrentBag<(string KeyId, string RequestId, byte[] Ciphertext)>();
        using (var trent = await TrentProcess.StartAsync(data))
        {
            using var kms = new AmazonKeyManagementServiceClient(
                new Amazon.Runtime.BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), TestTrent.Config(trent.Url));
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var created = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "crash" });
                        var encrypted = await kms.EncryptAsync(new EncryptRequest
                        {
                            KeyId = created.KeyMetadata.KeyId, Plaintext = new MemoryStream([1, 2, 3]),
                        });
                        acknowledged.Add((created.KeyMetadata.KeyId, created.ResponseMetadata.RequestId, encrypted.CiphertextBlob.ToArray()));
                    }
                    catch (Exception)
                    {
                        // Requests in flight when the process dies fail; only acknowledged ones count.
                        if (stop.IsCancellationRequested)
                        {
                            return;
                        }
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(2));
            trent.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        Assert.NotEmpty(acknowledged);
        var killedSegments = Directory.GetFiles(Path.Combine(data, "audit"), "*.jsonl");
        Assert.NotEmpty(killedSegments);

        // The same node (name) restarts, so it recovers its own audit segments.
        await using var restarted = await TestTrent.StartAsync(data, configure: o => o.NodeName = Environment.MachineName);
        using var client = restarted.Client();
        foreach (var (keyId, _, ciphertext) in acknowledged)
        {
            Assert.Equal(KeyState.Enabled, (await client.DescribeKeyAsync(keyId)).KeyMetadata.KeyState);
            Assert.Equal(new byte[] { 1, 2, 3 }, (await client.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) })).Plaintext.ToArray());
        }

        var audited = AuditFiles.ReadAll(data).Select(r => r.GetProperty("requestID").GetString()).ToHashSet();
        Assert.All(acknowledged, a => Assert.Contains(a.RequestId, audited));

        // The restart trimmed the killed process's preallocated segments to their last whole record and sealed them.
        Assert.All(killedSegments, f => Assert.False(File.Exists(f)));
        Assert.All(killedSegments.Select(f => f.Replace(".jsonl", ".json.gz", StringComparison.Ordinal)).Where(File.Exists), f =>
            Assert.All(Trent.Audit.Files.LogFileSealer.ReadRecords(f), r => Assert.True(r.TryGetProperty("eventID", out _))));
        await restarted.StopAsync();
        TestTrent.TryDelete(data);
    }
}
