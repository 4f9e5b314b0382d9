using System.Diagnostics;
using Amazon.KeyManagementService.Model;
using Trent.Server;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

/// <summary>
/// One process per data directory (issue 12): a second server or a writing verb is refused with one line naming
/// the holder, before it touches (and "recovers") the live server's files; read-only verbs still work.
/// </summary>
public sealed class DataDirectoryLockTests
{
    [Fact]
    public async Task A_second_server_in_process_is_refused_and_the_directory_is_free_again_after_dispose()
    {
        var data = TestTrent.NewDataDirectory();
        try
        {
            await using (var first = await TestTrent.StartAsync(data))
            await using (var elsewhere = await TestTrent.StartAsync())
            {
                var refused = await Assert.ThrowsAsync<DataDirectoryLockedException>(() => TestTrent.StartAsync(data));
                Assert.Contains($"pid {Environment.ProcessId} on node test (trent serve)", refused.Message, StringComparison.Ordinal);
                // The holder still works; so does a server on another directory.
                await first.Client().CreateKeyAsync(new CreateKeyRequest());
                await elsewhere.Client().CreateKeyAsync(new CreateKeyRequest());
            }

            await using var restarted = await TestTrent.StartAsync(data);
            Assert.Single((await restarted.Client().ListKeysAsync(new ListKeysRequest())).Keys);
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }

    [Fact]
    public async Task Serve_and_writing_verbs_next_to_a_live_server_fail_with_one_line_naming_it_and_read_only_verbs_work()
    {
        var data = TestTrent.NewDataDirectory();
        try
        {
            using var live = await TrentProcess.StartAsync(data, ["--node-name", "alpha"]);
            using var client = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(
                new Amazon.Runtime.BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), TestTrent.Config(live.Url));
            var before = await client.CreateKeyAsync(new CreateKeyRequest());
            var holder = $"pid {live.ProcessId} on node alpha (trent serve)";

            foreach (var verb in new[] { new[] { "serve", "--urls", "http://127.0.0.1:0" }, ["create-account"], ["seed-keys", "--count", "1"] })
            {
                var (exit, stdout, stderr) = await RunAsync([.. verb, "--data", data, "--node-name", "beta"]);
                Assert.True(exit != 0, $"{verb[0]} exited 0: {stdout}{stderr}");
                var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Contains(holder, line, StringComparison.Ordinal);
                Assert.StartsWith("trent: The data directory ", line, StringComparison.Ordinal);
                Assert.DoesNotContain("Created account", stdout, StringComparison.Ordinal);
            }

            foreach (var verb in new[] { new[] { "audit", "head" }, ["audit", "public-key"], ["audit", "verify", "--allow-undigested-tail"] })
            {
                var (exit, stdout, stderr) = await RunAsync([.. verb, "--data", data]);
                Assert.DoesNotContain("in use by", stderr, StringComparison.Ordinal);
                // head and verify find no digest yet (exit 2 / 1 for that reason); public-key must succeed.
                Assert.True(exit == 0 || verb[1] != "public-key", $"{string.Join(' ', verb)} exited {exit}: {stdout}{stderr}");
                Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
            }

            // The live server's files were not touched: its earlier key and new requests still work.
            await client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = before.KeyMetadata.KeyId });
            await client.CreateKeyAsync(new CreateKeyRequest());
            Assert.Equal(2, (await client.ListKeysAsync(new ListKeysRequest())).Keys.Count);
            live.Kill();

            // The kernel drops the lock with the process: no stale lock after a crash.
            var (created, output, errors) = await RunAsync("create-account", "--data", data, "--new-account-id", "444455556666");
            Assert.True(created == 0, output + errors);
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trent.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TRENT_ADMIN_ACCESS_KEY_ID"] = TestTrent.AccessKeyId;
        start.Environment["TRENT_ADMIN_SECRET_ACCESS_KEY"] = TestTrent.SecretAccessKey;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await stdout, await stderr);
    }
}
