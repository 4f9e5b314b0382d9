using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Protocol;

/// <summary>What operators rely on: readiness, Prometheus metrics, and request quotas.</summary>
[Collection(MetricsCollection.Name)]
public sealed class OperationsEndpointsTests
{
    [Fact]
    public async Task Readiness_and_metrics_report_the_server_state()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.MetricsUrls = "http://127.0.0.1:0");
        using var kms = trent.Client();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        await Assert.ThrowsAsync<NotFoundException>(() => kms.DescribeKeyAsync(Guid.NewGuid().ToString()));

        using var http = new HttpClient { BaseAddress = new Uri(trent.Url) };
        var ready = await http.GetAsync("/readyz");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());

        // Not on the API listener: there it is an unknown path, with an AWS error body.
        var onApi = await http.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, onApi.StatusCode);
        Assert.Contains("\"__type\":\"UnknownOperationException\"", await onApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var scraper = new HttpClient { BaseAddress = new Uri(Assert.Single(trent.Server.MetricsUrls)) };
        var metrics = await scraper.GetStringAsync("/metrics");
        Assert.Matches("trent_requests_total\\{[^}]*error_type=\"\"[^}]*operation=\"Encrypt\"[^}]*\\} 2", metrics);
        Assert.Matches("trent_requests_total\\{[^}]*error_type=\"NotFoundException\"[^}]*operation=\"DescribeKey\"[^}]*\\} 1", metrics);
        Assert.Contains("trent_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Matches("trent_key_material_cache_hits_total(\\{[^}]*\\})? [1-9]", metrics);
        Assert.Matches("trent_keys(\\{[^}]*\\})? 1", metrics);
        Assert.Contains("trent_audit_queue_depth", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quota_is_honoured_per_second_with_AWS_ThrottlingException()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var trent = await TestTrent.StartAsync(clock: clock, configure: o =>
        {
            o.Quotas.Enabled = true;
            o.Quotas.SymmetricCryptoPerSecond = 3;
            o.Quotas.ManagementPerSecond["CreateKey"] = 100;
        });
        using var kms = trent.Client();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        for (var i = 0; i < 3; i++)
        {
            await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        }

        await ThrowsAws("ThrottlingException", () => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 16 }),
            "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.");
        // Other classes have their own buckets.
        await kms.DescribeKeyAsync(key.KeyId);

        clock.Advance(TimeSpan.FromMilliseconds(340));
        await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        await ThrowsAws("ThrottlingException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));

        clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 3; i++)
        {
            await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        }

        var throttled = AuditFiles.ReadAll(trent.DataDirectory).Count(r => r.TryGetProperty("errorCode", out var e) && e.GetString() == "ThrottlingException");
        Assert.Equal(2, throttled);
    }

    [Fact]
    public async Task Quotas_are_off_by_default()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        for (var i = 0; i < 8; i++)
        {
            await kms.CreateKeyAsync(new CreateKeyRequest()); // AWS's CreateKey quota is 5 per second
        }
    }
}

/// <summary>
/// Metric listeners are process-wide, so a test that counts requests must not run beside other servers
/// of the same test process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
