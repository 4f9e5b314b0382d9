using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Trent.Bench;

/// <summary>
/// The standard suite: Trent and the bare-Kestrel ceiling each in their own process on this machine, the
/// standard workloads against Trent, ratios to the ceiling measured in the same run, and the targets.
/// </summary>
public static class Suite
{
    public static async Task<int> RunAsync(Options options)
    {
        var concurrency = options.Int("concurrency", 16);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 2));
        var notes = new List<string>();
        var results = new List<LoadResult>();
        var data = NewDataDirectory();

        using var trent = await StartTrentAsync(data);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idleRss = trent.ResidentMegabytes();
        using var client = Credentials.Client(trent.Url, concurrency, benchAdmin: true);

        // Warm Trent up (JIT tiering, caches, pools) so that the first workload measured is not penalised.
        await LoadRunner.RunAsync("warm-up", client, await Workloads.PrepareAsync("mix", client), concurrency, warmup * 2, TimeSpan.Zero);

        var encryptKey = await Workloads.NewKeyAsync(client);
        var encryptBody = Encoding.UTF8.GetBytes(
            $$"""{"KeyId":"{{encryptKey}}","Plaintext":"{{Convert.ToBase64String(new byte[32])}}"}""");
        var (_, sample) = await client.SendAsync("Encrypt", encryptBody, readBody: true, CancellationToken.None);
        var baselinePort = ServerProcess.FreePort();
        LoadResult ceiling;
        using (var baseline = await ServerProcess.StartAsync(
            Path.Combine(AppContext.BaseDirectory, "trent-bench.dll"),
            ["baseline-server", "--port", baselinePort.ToString(CultureInfo.InvariantCulture), "--size", sample!.Length.ToString(CultureInfo.InvariantCulture)],
            null,
            baselinePort))
        using (var baselineClient = Credentials.Client(baseline.Url, concurrency, benchAdmin: true))
        {
            var request = new BenchRequest("Encrypt", encryptBody);
            ceiling = await LoadRunner.RunAsync("ceiling: bare Kestrel", baselineClient, _ => request, concurrency, duration, warmup);
        }

        foreach (var workload in Workloads.Standard)
        {
            Func<Random, BenchRequest> next;
            try
            {
                next = await Workloads.PrepareAsync(workload, client);
            }
            catch (InvalidOperationException e)
            {
                notes.Add($"{workload}: not measured, its set-up failed: {e.Message}");
                continue;
            }

            var result = await LoadRunner.RunAsync(workload, client, next, concurrency, duration, warmup);
            results.Add(result with { CeilingRatio = result.RequestsPerSecond / ceiling.RequestsPerSecond });
        }

        var encrypt = results.First(r => r.Workload == "encrypt-32");
        var half = await LoadRunner.RunAsync(
            "encrypt-32 at 50 % of max rate", client, await Workloads.PrepareAsync("encrypt-32", client), concurrency, duration, warmup,
            rate: encrypt.RequestsPerSecond / 2);
        results.Add(half with { CeilingRatio = half.RequestsPerSecond / ceiling.RequestsPerSecond });

        if (options.Has("keys"))
        {
            results.AddRange(await KeyCountComparisonAsync(options.Int("keys", 1_000_000), concurrency, duration, warmup, ceiling));
        }

        notes.AddRange(Targets(results, ceiling, trent.StartupMs, idleRss));
        var report = new SuiteReport(trent.Url + " (trent serve, release)", concurrency, trent.StartupMs, idleRss, ceiling, results, notes);
        if (options.Has("json"))
        {
            Console.WriteLine(Report.Json(report));
        }
        else
        {
            Report.PrintTable(report, Console.Out);
        }

        TryDelete(data);
        return 0;
    }

    /// <summary>Encrypt under random keys with 1,000 keys in the store, then with <paramref name="keyCount"/>.</summary>
    private static async Task<List<LoadResult>> KeyCountComparisonAsync(int keyCount, int concurrency, TimeSpan duration, TimeSpan warmup, LoadResult ceiling)
    {
        var results = new List<LoadResult>();
        foreach (var count in new[] { 1000, keyCount })
        {
            var data = NewDataDirectory();
            var seeding = Stopwatch.StartNew();
            await SeedAsync(data, count);
            Console.Error.WriteLine($"seeded {count} keys in {seeding.Elapsed.TotalSeconds:F1} s");
            using (var trent = await StartTrentAsync(data))
            using (var client = Credentials.Client(trent.Url, concurrency, benchAdmin: true))
            {
                var keys = await Workloads.ListKeyIdsAsync(client, count);
                var result = await LoadRunner.RunAsync(
                    $"encrypt-32, random key of {count:N0}", client, await Workloads.PrepareAsync("encrypt-random-key", client, keys),
                    concurrency, duration, warmup);
                results.Add(result with { CeilingRatio = result.RequestsPerSecond / ceiling.RequestsPerSecond });
            }

            TryDelete(data);
        }

        return results;
    }

    private static IEnumerable<string> Targets(List<LoadResult> results, LoadResult ceiling, double startupMs, double? idleRss)
    {
        var encrypt = results.First(r => r.Workload == "encrypt-32");
        string Check(bool ok) => ok ? "met" : "MISSED";
        yield return F($"target: Encrypt (32 B) >= 60 % of ceiling: {encrypt.RequestsPerSecond / ceiling.RequestsPerSecond * 100:F0} % -> {Check(encrypt.RequestsPerSecond >= 0.6 * ceiling.RequestsPerSecond)}");
        foreach (var name in new[] { "decrypt", "generate-data-key" })
        {
            if (results.FirstOrDefault(r => r.Workload == name) is { } r)
            {
                var gap = (encrypt.RequestsPerSecond - r.RequestsPerSecond) / encrypt.RequestsPerSecond;
                yield return F($"target: {name} within 10 % of Encrypt: {gap * 100:F1} % below -> {Check(gap <= 0.10)}");
            }
        }

        var half = results.First(r => r.Workload.StartsWith("encrypt-32 at 50", StringComparison.Ordinal));
        yield return F($"target: p99 < 5 ms at half of max throughput: {half.P99Ms:F2} ms -> {Check(half.P99Ms < 5)}");
        var byCount = results.Where(r => r.Workload.Contains("random key", StringComparison.Ordinal)).ToList();
        if (byCount.Count == 2)
        {
            var gap = (byCount[0].RequestsPerSecond - byCount[1].RequestsPerSecond) / byCount[0].RequestsPerSecond;
            yield return F($"target: many keys within 10 % of 1,000 keys: {gap * 100:F1} % below -> {Check(gap <= 0.10)}");
        }

        yield return F($"target: start to first request < 1 s: {startupMs:F0} ms -> {Check(startupMs < 1000)}");
        yield return F($"target: idle memory < 150 MB: {idleRss:F0} MB -> {Check(idleRss < 150)}");
    }

    private static async Task<ServerProcess> StartTrentAsync(string data)
    {
        var port = ServerProcess.FreePort();
        return await ServerProcess.StartAsync(
            Path.Combine(AppContext.BaseDirectory, "trent.dll"),
            ["serve", "--urls", $"http://127.0.0.1:{port}", "--data", data],
            new Dictionary<string, string>
            {
                ["TRENT_ADMIN_ACCESS_KEY_ID"] = Credentials.BenchAccessKeyId,
                ["TRENT_ADMIN_SECRET_ACCESS_KEY"] = Credentials.BenchSecretAccessKey,
                ["Logging__LogLevel__Default"] = "Warning",
            },
            port);
    }

    private static async Task SeedAsync(string data, int count)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "trent.dll"), "seed-keys", "--data", data, "--count", count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"trent seed-keys exited with {process.ExitCode}");
        }
    }

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "trent-bench", Guid.NewGuid().ToString("N"));

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
