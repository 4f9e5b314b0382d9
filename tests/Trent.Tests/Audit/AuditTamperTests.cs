using System.IO.Compression;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit;
using Trent.Audit.Integrity;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Audit;

/// <summary>
/// Tampering with files the server has not signed yet: the hash chain makes the server refuse (report, set
/// aside, never sign) content it did not write, whether it finds it while running, after a crash or at a
/// restart; and what a clean stop leaves is wholly covered by digests.
/// </summary>
public sealed class AuditTamperTests
{
    [Fact]
    public async Task The_live_segment_edited_before_it_is_sealed_is_set_aside_and_not_signed()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        await kms.ListKeysAsync(new ListKeysRequest());
        await kms.CreateKeyAsync(new CreateKeyRequest { Description = "victim" });
        var live = Assert.Single(Directory.GetFiles(AuditDirectory(trent), "*.jsonl"));
        Replace(live, "CreateKey", "DeleteKey");

        var log = trent.Server.Services.GetRequiredService<FileAuditLog>();
        var digest = await trent.Server.Services.GetRequiredService<AuditDigestWriter>().WriteDigestAsync(DateTimeOffset.UtcNow, default);

        AssertSetAside(trent, live, log, digest);
    }

    [Fact]
    public async Task A_segment_left_by_a_crash_and_edited_before_the_restart_is_set_aside_and_not_signed()
    {
        var data = TestTrent.NewDataDirectory();
        using (var killed = await TrentProcess.StartAsync(data, ["--node-name", "test"]))
        {
            using var kms = new AmazonKeyManagementServiceClient(
                new Amazon.Runtime.BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), TestTrent.Config(killed.Url));
            await kms.CreateKeyAsync(new CreateKeyRequest { Description = "victim" });
            killed.Kill();
        }

        var crashed = Assert.Single(Directory.GetFiles(Path.Combine(data, "audit"), "*.jsonl"));
        Replace(crashed, "CreateKey", "DeleteKey");

        await using var trent = await TestTrent.StartAsync(data);
        var log = trent.Server.Services.GetRequiredService<FileAuditLog>();
        var digest = await trent.Server.Services.GetRequiredService<AuditDigestWriter>().WriteDigestAsync(DateTimeOffset.UtcNow, default);

        AssertSetAside(trent, crashed, log, digest);
    }

    [Fact]
    public async Task A_sealed_log_not_yet_digested_and_edited_while_the_server_was_down_is_not_signed_by_the_restarted_server()
    {
        var data = TestTrent.NewDataDirectory();
        string victim;
        using (var killed = await TrentProcess.StartAsync(data, ["--node-name", "test", "--audit-rotation-interval", "00:00:01"]))
        {
            using var kms = new AmazonKeyManagementServiceClient(
                new Amazon.Runtime.BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), TestTrent.Config(killed.Url));
            await kms.CreateKeyAsync(new CreateKeyRequest { Description = "victim" });
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Directory.GetFiles(Path.Combine(data, "audit"), "*.json.gz").Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no log file was sealed");
                await Task.Delay(50);
            }

            killed.Kill(); // no final digest: the sealed file is not covered yet
            victim = Directory.GetFiles(Path.Combine(data, "audit"), "*.json.gz").Single(f => ReadGzip(f).Contains("CreateKey", StringComparison.Ordinal));
        }

        WriteGzip(victim, ReadGzip(victim).Replace("CreateKey", "DeleteKey", StringComparison.Ordinal));

        await using var trent = await TestTrent.StartAsync(data);
        var log = trent.Server.Services.GetRequiredService<FileAuditLog>();
        var digest = await trent.Server.Services.GetRequiredService<AuditDigestWriter>().WriteDigestAsync(DateTimeOffset.UtcNow, default);

        AssertSetAside(trent, victim, log, digest);
    }

    [Fact]
    public async Task A_forged_log_planted_in_the_live_directory_under_the_node_name_is_not_signed()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        await kms.ListKeysAsync(new ListKeysRequest());
        var planted = Path.Combine(AuditDirectory(trent), Trent.Audit.Files.AuditFileNames.SealedLog(
            Trent.Audit.Files.AuditFileNames.ActiveLog("test", DateTimeOffset.UtcNow.AddMinutes(-1))));
        WriteGzip(planted, """{"Records":[{"eventVersion":"1.11","eventName":"Decrypt","requestID":"forged"}],"trentChain":{"start":"00","head":"00","mac":"00"}}""");

        var log = trent.Server.Services.GetRequiredService<FileAuditLog>();
        var digest = await trent.Server.Services.GetRequiredService<AuditDigestWriter>().WriteDigestAsync(DateTimeOffset.UtcNow, default);

        AssertSetAside(trent, planted, log, digest);
    }

    /// <summary>The file is not sealed or listed, it is left beside the trail as .broken, counted, and the verifier fails it.</summary>
    private static void AssertSetAside(TestTrent trent, string victim, FileAuditLog log, string digest)
    {
        var sealedName = Path.GetFileName(victim).Replace(".jsonl", ".json.gz", StringComparison.Ordinal);
        Assert.Equal(1, log.ChainBreaks);
        Assert.False(File.Exists(victim));
        Assert.False(File.Exists(Path.Combine(AuditDirectory(trent), sealedName)));
        Assert.True(File.Exists(victim + ".broken"));
        Assert.DoesNotContain(sealedName, File.ReadAllText(digest), StringComparison.Ordinal);

        var report = AuditTrailVerifier.Verify(AuditDirectory(trent), trent.Server.Services.GetRequiredService<AuditSigningKey>().PublicKey);
        Assert.False(report.Succeeded);
        Assert.Equal(AuditFileStatus.Unexpected, report.Find(Path.GetFileName(victim) + ".broken")?.Status);
        Assert.Single(report.Files, f => f.Failed);
    }

    private static string AuditDirectory(TestTrent trent) => Path.Combine(trent.DataDirectory, "audit");

    /// <summary>Edits a segment in place (same length), as someone with write access to the directory could.</summary>
    private static void Replace(string path, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(from));
        Assert.True(at >= 0, $"{from} is not in {path}");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, Encoding.UTF8.GetBytes(to), at);
    }

    internal static string ReadGzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }

    internal static void WriteGzip(string path, string content)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(content));
    }
}
