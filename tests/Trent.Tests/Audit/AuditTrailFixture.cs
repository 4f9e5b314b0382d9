using System.Security.Cryptography;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Trent.Audit.Integrity;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Audit;

/// <summary>
/// A real server's audit trail over three simulated hours (fake clock): log files sealed by the five-minute
/// rotation and by the hourly digests, three chained digests, then the server stopped (a fourth, final digest). Tests tamper with copies.
/// </summary>
public sealed class AuditTrailFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 29, 9, 58, 0, TimeSpan.Zero);

    public string DataDirectory { get; } = TestTrent.NewDataDirectory();

    public string AuditDirectory => Path.Combine(DataDirectory, "audit");

    public byte[] PublicKey { get; private set; } = [];

    public List<string> RequestIds { get; } = [];

    public async Task InitializeAsync()
    {
        var clock = new FakeTimeProvider(Start);
        await using var trent = await TestTrent.StartAsync(DataDirectory, clock);
        using var kms = trent.Client();
        PublicKey = trent.Server.Services.GetRequiredService<AuditSigningKey>().PublicKey;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "trail" })).KeyMetadata.KeyId;

        async Task RequestsAsync()
        {
            var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(RandomNumberGenerator.GetBytes(16)) });
            var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob });
            RequestIds.Add(encrypted.ResponseMetadata.RequestId);
            RequestIds.Add(decrypted.ResponseMetadata.RequestId);
        }

        await RequestsAsync();
        clock.Advance(TimeSpan.FromMinutes(3)); // 10:01: the rotation seals the 09:55 file; the 10:00 digest is due
        await WaitForDigestAsync(Start.AddMinutes(2));
        await RequestsAsync();
        clock.Advance(TimeSpan.FromMinutes(5)); // 10:06: the rotation seals the 10:00 file
        await RequestsAsync();
        clock.Advance(TimeSpan.FromMinutes(54)); // 11:00: the digest seals the 10:05 file
        await WaitForDigestAsync(Start.AddMinutes(62));
        await RequestsAsync();
        clock.Advance(TimeSpan.FromHours(1)); // 12:00
        await WaitForDigestAsync(Start.AddMinutes(122));
    }

    public Task DisposeAsync()
    {
        TestTrent.TryDelete(DataDirectory);
        return Task.CompletedTask;
    }

    public string[] Digests() => [.. Directory.GetFiles(Path.Combine(AuditDirectory, "digest"), "*.json").Order(StringComparer.Ordinal)];

    public string[] LogFiles() => [.. Directory.GetFiles(AuditDirectory, "trent-audit_*.json.gz").Order(StringComparer.Ordinal)];

    /// <summary>A copy of the audit directory to tamper with.</summary>
    public string Copy()
    {
        var copy = Path.Combine(TestTrent.NewDataDirectory(), "audit");
        foreach (var file in Directory.GetFiles(AuditDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(AuditDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private async Task WaitForDigestAsync(DateTimeOffset end)
    {
        var name = Path.Combine(AuditDirectory, "digest", Trent.Audit.Files.AuditFileNames.Digest("test", end));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(name))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no digest {name}");
            await Task.Delay(20);
        }
    }
}
