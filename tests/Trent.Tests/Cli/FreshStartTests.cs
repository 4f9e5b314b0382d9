using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Cli;

/// <summary>
/// Fresh data directories start cleanly every time (a fresh start used to log a DirectoryNotFoundException for the
/// audit directory about one start in three: the index scanned it before the log had made it), and the banner
/// prints the variables that point every SDK and the CLI at Trent.
/// </summary>
public sealed class FreshStartTests
{
    [Fact]
    public async Task Twelve_fresh_starts_in_a_row_log_no_exception()
    {
        var work = TrentCli.NewDirectory();
        try
        {
            for (var round = 0; round < 4; round++)
            {
                var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => ServeUntilReadyAsync(work, Path.Combine(work, $"data{round}-{i}"))));
                foreach (var (exit, output) in runs)
                {
                    Assert.True(exit == 0, output);
                    Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
                    Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
                    Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
                    Assert.DoesNotContain("crit:", output, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task The_banner_names_the_endpoint_the_credentials_file_and_the_AWS_variables()
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var data = Path.Combine(work, "data");
            var (exit, output) = await ServeUntilReadyAsync(work, data, ["--region", "eu-west-1"]);
            Assert.True(exit == 0, output);
            var url = output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("export AWS_ENDPOINT_URL=", StringComparison.Ordinal)).Split(' ')[1]["AWS_ENDPOINT_URL=".Length..];
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", url);
            var credentials = Path.Combine(data, "credentials");
            Assert.Contains($"is serving the AWS KMS API (and IAM, STS, CloudTrail LookupEvents) on {url}", output, StringComparison.Ordinal);
            Assert.Contains($"Credentials file: {credentials} (profile trent, mode 0600)", output, StringComparison.Ordinal);
            Assert.Contains($"export AWS_ENDPOINT_URL={url} AWS_ENDPOINT_URL_KMS={url}", output, StringComparison.Ordinal);
            Assert.Contains($"export AWS_SHARED_CREDENTIALS_FILE={credentials} AWS_PROFILE=trent", output, StringComparison.Ordinal);
            Assert.Contains("export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1", output, StringComparison.Ordinal);
            Assert.Contains("Created the administrator access key AKIA", output, StringComparison.Ordinal);
            var secret = File.ReadAllLines(credentials).Single(l => l.StartsWith("aws_secret_access_key", StringComparison.Ordinal)).Split('=')[1].Trim();
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);

            // Second start: the same file, no new key.
            (exit, output) = await ServeUntilReadyAsync(work, data);
            Assert.True(exit == 0, output);
            Assert.Contains($"export AWS_SHARED_CREDENTIALS_FILE={credentials} AWS_PROFILE=trent", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Created the administrator access key", output, StringComparison.Ordinal);

            // An administrator key from the environment: its ID is named, its secret only by the variable that holds it.
            (exit, output) = await ServeUntilReadyAsync(work, Path.Combine(work, "env"), environment: new Dictionary<string, string>
            {
                ["TRENT_ADMIN_ACCESS_KEY_ID"] = TestTrent.AccessKeyId,
                ["TRENT_ADMIN_SECRET_ACCESS_KEY"] = TestTrent.SecretAccessKey,
            });
            Assert.True(exit == 0, output);
            Assert.Contains($"export AWS_ACCESS_KEY_ID={TestTrent.AccessKeyId} AWS_SECRET_ACCESS_KEY=\"$TRENT_ADMIN_SECRET_ACCESS_KEY\"", output, StringComparison.Ordinal);
            Assert.DoesNotContain(TestTrent.SecretAccessKey, output, StringComparison.Ordinal);
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    /// <summary>Starts <c>trent serve</c>, waits for /healthz, stops it with SIGTERM as an operator would; its exit code and all it printed.</summary>
    private static async Task<(int Exit, string Output)> ServeUntilReadyAsync(
        string work, string data, string[]? args = null, IDictionary<string, string>? environment = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = work };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "trent.dll"), "serve", "--data", data, "--urls", url }.Concat(args ?? []))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync(url + "/healthz")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        // Long enough for the background catch-up of the audit index to have run.
        await Task.Delay(300);
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
