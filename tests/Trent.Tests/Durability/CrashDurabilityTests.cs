using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit;
using Trent.Audit.Index;
using Trent.Audit.Integrity;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

/// <summary>What a client was told succeeded must survive <c>kill -9</c>: keys and their audit records.</summary>
public sealed class CrashDurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_CreateKey_and_its_audit_record_survive_kill_9()
    {
        var data = TestTrent.NewDataDirectory();
        var acknowledged = new ConcurrentBag<(string KeyId, string RequestId, byte[] Ciphertext, string EncryptRequestId)>();
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
                        acknowledged.Add((created.KeyMetadata.KeyId, created.ResponseMetadata.RequestId, encrypted.CiphertextBlob.ToArray(),
                            encrypted.ResponseMetadata.RequestId));
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

        // The restart trimmed the killed process's preallocated segments to their last whole record and sealed them.
        var log = restarted.Server.Services.GetRequiredService<FileAuditLog>();
        await log.SealAsync();
        Assert.All(killedSegments, f => Assert.False(File.Exists(f)));
        var audited = AuditFiles.ReadAll(data).Select(r => r.GetProperty("requestID").GetString()).ToHashSet();
        Assert.All(acknowledged, a => Assert.Contains(a.RequestId, audited));
        Assert.All(acknowledged, a => Assert.Contains(a.EncryptRequestId, audited));

        // The usage index caught up with the killed process's records: each key's last use is its acknowledged Encrypt.
        await restarted.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        foreach (var (keyId, _, _, encryptRequestId) in acknowledged.Take(50))
        {
            var usage = await client.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = keyId });
            Assert.Equal(encryptRequestId, usage.KeyLastUsage?.KmsRequestId);
        }

        foreach (var (keyId, _, ciphertext, _) in acknowledged)
        {
            Assert.Equal(KeyState.Enabled, (await client.DescribeKeyAsync(keyId)).KeyMetadata.KeyState);
            Assert.Equal(new byte[] { 1, 2, 3 }, (await client.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) })).Plaintext.ToArray());
        }

        // The trail across the crash is whole: a digest covers the recovered files, and the chain verifies.
        var writer = restarted.Server.Services.GetRequiredService<AuditDigestWriter>();
        await writer.WriteDigestAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var report = AuditTrailVerifier.Verify(Path.Combine(data, "audit"), restarted.Server.Services.GetRequiredService<AuditSigningKey>().PublicKey);
        Assert.True(report.Succeeded, string.Join("\n", report.Files.Select(f => $"{f.Status} {f.File} {f.Detail}")));
        Assert.All(killedSegments, f => Assert.Equal(AuditFileStatus.Valid, report.Find(Path.GetFileName(f).Replace(".jsonl", ".json.gz", StringComparison.Ordinal))?.Status));
        await restarted.StopAsync();
        TestTrent.TryDelete(data);
    }
}
