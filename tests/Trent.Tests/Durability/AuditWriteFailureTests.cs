using System.Diagnostics;
using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit;
using Trent.Audit.Journal;
using Trent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Trent.Tests.Durability;

/// <summary>
/// Write errors (issue 12): while the audit trail cannot be written, requests fail closed with
/// KMSInternalException and change nothing, /readyz says so, the failures are counted; once space returns the
/// trail recovers by itself within seconds, without a restart.
/// </summary>
public sealed class AuditWriteFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_injected_full_disk_fails_requests_closed_and_the_trail_recovers_by_itself_once_it_clears()
    {
        await using var trent = await TestTrent.StartAsync();
        var faults = trent.Server.Services.GetRequiredService<AuditWriteFaults>();
        using var kms = trent.Client();
        using var http = new HttpClient { BaseAddress = new Uri(trent.Url) };
        await kms.CreateKeyAsync(new CreateKeyRequest());

        faults.DiskFull = true;
        for (var i = 0; i < 5; i++)
        {
            await AssertFailsClosedAsync(kms);
        }

        var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("audit trail", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(WriteFailures(trent) > 0);

        faults.DiskFull = false;
        // Ready again by itself (no request needed), then requests succeed: no restart.
        await WithinAsync(TimeSpan.FromSeconds(10), async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode);
        await kms.CreateKeyAsync(new CreateKeyRequest());
        Assert.Equal(2, await CountKeysAsync(kms));
    }

    [Fact]
    public async Task A_change_whose_record_failed_after_it_committed_is_recorded_once_the_trail_recovers_without_a_restart()
    {
        await using var trent = await TestTrent.StartAsync();
        var faults = trent.Server.Services.GetRequiredService<AuditWriteFaults>();
        using var kms = trent.Client();
        using var http = new HttpClient { BaseAddress = new Uri(trent.Url) };

        // The intent is durable and the key is created, then its record cannot be written: the client is told it failed.
        faults.LogAppendsFail = true;
        await AssertFailsClosedAsync(kms);
        faults.LogAppendsFail = false;

        await WithinAsync(TimeSpan.FromSeconds(10), async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode);
        Assert.Equal(1, await CountKeysAsync(kms));
        await WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(AuditFiles.ReadAll(trent.DataDirectory).Any(r =>
            r.GetProperty("eventName").GetString() == "CreateKey"
            && r.TryGetProperty("additionalEventData", out var extra)
            && extra.TryGetProperty("trentOutcome", out var outcome) && outcome.GetString() == "Unknown")));
    }

    [Fact]
    public async Task A_full_tmpfs_fails_requests_closed_and_the_trail_recovers_once_space_returns()
    {
        var mount = TestDirectories.New("tmpfs-");
        Directory.CreateDirectory(mount);
        if (!await RunAsync("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", mount))
        {
            // xunit 2.9 has no dynamic skip; the injected variant above covers recovery everywhere.
            output.WriteLine("Skipped: a tmpfs cannot be mounted here (needs root).");
            Directory.Delete(mount);
            return;
        }

        try
        {
            await using var trent = await TestTrent.StartAsync(Path.Combine(mount, "data"), configure: o =>
            {
                o.AuditSegmentBytes = 64 * 1024;
                o.AuditJournalSegmentBytes = 64 * 1024;
            });
            using var kms = trent.Client();
            using var http = new HttpClient { BaseAddress = new Uri(trent.Url) };
            await kms.CreateKeyAsync(new CreateKeyRequest());
            var log = trent.Server.Services.GetRequiredService<FileAuditLog>();
            var journal = trent.Server.Services.GetRequiredService<AuditIntentJournal>();

            var filler = Path.Combine(mount, "filler");
            Fill(filler);
            // Requests may still succeed on space already preallocated; those that fail must fail closed, and
            // the trail must report itself unavailable before it loses a record.
            var succeeded = 0;
            var failed = 0;
            var stopwatch = Stopwatch.StartNew();
            while ((log.Writable && journal.Writable) || failed < 3)
            {
                Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"the trail never failed ({succeeded} requests succeeded)");
                try
                {
                    await kms.CreateKeyAsync(new CreateKeyRequest());
                    succeeded++;
                }
                catch (AmazonKeyManagementServiceException e)
                {
                    Assert.Equal("KMSInternalException", e.ErrorCode);
                    failed++;
                }
            }

            output.WriteLine($"disk full: {succeeded} CreateKey succeeded on preallocated space, then {failed} failed closed");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
            Assert.True(WriteFailures(trent) > 0);
            await AssertFailsClosedAsync(kms);

            File.Delete(filler);
            var recovery = Stopwatch.StartNew();
            await WithinAsync(TimeSpan.FromSeconds(10), async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode);
            await kms.CreateKeyAsync(new CreateKeyRequest());
            output.WriteLine($"recovered {recovery.ElapsedMilliseconds} ms after space returned");
            // Nothing a failed request did was committed.
            Assert.Equal(2 + succeeded, await CountKeysAsync(kms));
        }
        finally
        {
            await RunAsync("umount", "-l", mount);
            Directory.Delete(mount, recursive: true);
        }
    }

    private static async Task AssertFailsClosedAsync(AmazonKeyManagementServiceClient kms)
    {
        var e = await Assert.ThrowsAsync<KMSInternalException>(() => kms.CreateKeyAsync(new CreateKeyRequest()));
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    private static long WriteFailures(TestTrent trent) =>
        trent.Server.Services.GetRequiredService<FileAuditLog>().WriteFailures
        + trent.Server.Services.GetRequiredService<AuditIntentJournal>().WriteFailures;

    private static async Task<int> CountKeysAsync(AmazonKeyManagementServiceClient kms) =>
        (await kms.ListKeysAsync(new ListKeysRequest { Limit = 1000 })).Keys.Count;

    private static async Task WithinAsync(TimeSpan limit, Func<Task<bool>> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(stopwatch.Elapsed < limit, $"not within {limit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>Writes until the file system is full (large chunks, then small ones for the last pages).</summary>
    private static void Fill(string path)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var chunk in new[] { 1 << 20, 4096 })
        {
            var data = new byte[chunk];
            try
            {
                while (true)
                {
                    stream.Write(data);
                }
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<bool> RunAsync(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
