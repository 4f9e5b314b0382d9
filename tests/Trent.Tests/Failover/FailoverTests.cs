using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Npgsql;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Failover;

/// <summary>
/// Trent on a PostgreSQL primary with a synchronous standby, under bounded load (CreateKey and Encrypt, no SDK
/// retries so that every failure is seen): the primary stops as in a crash, the standby is promoted. No acknowledged
/// write is lost, every failed request failed fast with the retryable 503, /readyz follows the database, and service
/// resumes by itself. Also a restart of a lone PostgreSQL under load.
/// </summary>
public sealed class FailoverTests
{
    // The connection timeout (5 s) and a loaded machine's slack: far below the SDK's and Npgsql's 30 s, so never a hang.
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Stopping_the_primary_and_promoting_the_synchronous_standby_loses_no_acknowledged_key_and_service_resumes()
    {
        await using var postgres = await ReplicatedPostgres.StartAsync(standby: true);
        var store = await postgres.CreateDatabaseAsync();
        await using var trent = await TestTrent.StartAsync(configure: o => o.Store = store);
        using var http = new HttpClient { BaseAddress = new Uri(trent.Url), Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        await using var load = Load.Start(trent);
        await load.WaitForAcknowledgedAsync(20);

        postgres.StopPrimary(immediate: true);
        var stopped = Stopwatch.StartNew();
        await WaitForAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        await load.WaitForFailuresAsync(5); // requests fail while there is no primary...
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(30));

        postgres.PromoteStandby();
        var promoted = Stopwatch.StartNew();
        var before = load.Acknowledged.Count;
        await load.WaitForAcknowledgedAsync(before + 20); // ...and succeed again once the standby takes writes
        Assert.True(promoted.Elapsed < TimeSpan.FromSeconds(15), $"service resumed {promoted.Elapsed} after the promotion");
        await WaitForAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        await load.StopAsync();

        await load.AssertFailuresWereFastAndRetryableAsync();
        await AssertEveryAcknowledgedKeyExistsAsync(trent, load.Acknowledged);
    }

    [Fact]
    public async Task PostgreSQL_restarted_under_load_loses_no_acknowledged_key_and_service_resumes()
    {
        await using var postgres = await ReplicatedPostgres.StartAsync(standby: false);
        var store = await postgres.CreateDatabaseAsync();
        await using var trent = await TestTrent.StartAsync(configure: o => o.Store = store);
        await using var load = Load.Start(trent);
        await load.WaitForAcknowledgedAsync(20);

        postgres.StopPrimary(immediate: false);
        await load.WaitForFailuresAsync(5);
        postgres.StartPrimary();
        var restarted = Stopwatch.StartNew();
        var before = load.Acknowledged.Count;
        await load.WaitForAcknowledgedAsync(before + 20);
        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(15), $"service resumed {restarted.Elapsed} after the restart");
        await load.StopAsync();

        await load.AssertFailuresWereFastAndRetryableAsync();
        await AssertEveryAcknowledgedKeyExistsAsync(trent, load.Acknowledged);
    }

    private static async Task AssertEveryAcknowledgedKeyExistsAsync(TestTrent trent, IEnumerable<string> keyIds)
    {
        var kms = trent.Client();
        foreach (var keyId in keyIds)
        {
            var key = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;
            Assert.Equal(KeyState.Enabled, key.KeyState);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < within, $"not within {within}");
            await Task.Delay(100);
        }
    }

    /// <summary>A few workers creating keys and encrypting under one key, each request timed, until stopped (and at
    /// most two minutes: the load is bounded whatever happens).</summary>
    private sealed class Load : IAsyncDisposable
    {
        private const int Workers = 4;
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));
        private readonly ConcurrentQueue<(string Operation, TimeSpan Took, Exception Error)> _failures = new();
        private readonly Task[] _workers;

        private Load(TestTrent trent, string encryptKey)
        {
            _workers = Enumerable.Range(0, Workers).Select(i => Task.Run(() => RunAsync(trent.Client(), encryptKey, i % 2 == 0))).ToArray();
        }

        public ConcurrentQueue<string> Acknowledged { get; } = new();

        public static Load Start(TestTrent trent)
        {
            var encryptKey = trent.Client().CreateKeyAsync(new CreateKeyRequest()).GetAwaiter().GetResult().KeyMetadata.KeyId;
            return new Load(trent, encryptKey);
        }

        public Task WaitForAcknowledgedAsync(int count) => WaitForAsync(() => Task.FromResult(Acknowledged.Count >= count), TimeSpan.FromSeconds(30));

        public Task WaitForFailuresAsync(int count) => WaitForAsync(() => Task.FromResult(_failures.Count >= count), TimeSpan.FromSeconds(30));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
        }

        public Task AssertFailuresWereFastAndRetryableAsync()
        {
            Assert.NotEmpty(_failures);
            foreach (var (operation, took, error) in _failures)
            {
                var service = Assert.IsAssignableFrom<AmazonKeyManagementServiceException>(error);
                Assert.True(service.ErrorCode == "DependencyTimeoutException" && service.StatusCode == HttpStatusCode.ServiceUnavailable,
                    $"{operation}: {service.ErrorCode} {service.StatusCode} {service.Message}");
                Assert.True(took < FailFast, $"{operation} took {took} to fail");
            }

            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task RunAsync(AmazonKeyManagementServiceClient kms, string encryptKey, bool creates)
        {
            while (!_stop.IsCancellationRequested)
            {
                var started = Stopwatch.StartNew();
                try
                {
                    if (creates)
                    {
                        Acknowledged.Enqueue((await kms.CreateKeyAsync(new CreateKeyRequest { Description = "failover" })).KeyMetadata.KeyId);
                    }
                    else
                    {
                        await kms.EncryptAsync(new EncryptRequest { KeyId = encryptKey, Plaintext = new MemoryStream([1, 2, 3]) });
                    }
                }
                catch (AmazonKeyManagementServiceException e)
                {
                    _failures.Enqueue((creates ? "CreateKey" : "Encrypt", started.Elapsed, e));
                    await Task.Delay(20); // a client's back-off, short
                }
            }
        }
    }
}
