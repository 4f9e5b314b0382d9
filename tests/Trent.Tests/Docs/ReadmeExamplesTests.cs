using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Docs;

/// <summary>
/// Every shell block of README.md is run as written, as a newcomer would in one terminal: `trent serve` on a
/// fresh `./trent-data` (only its port differs), the blocks that need the server in README order in one bash
/// session, then, with the server stopped, the blocks that run `trent` verbs on its data directory. Left out:
/// the blocks that build, test or benchmark Trent itself (first command `dotnet run` or `scripts/test`: CI runs
/// them) and those that start a server (`trent serve …`: this test starts it the README's way; a deployment
/// example names hosts, such as a PostgreSQL server, that a test machine does not have).
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    [Fact]
    public async Task Every_README_shell_block_runs_as_written()
    {
        var blocks = ShellBlocks(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md")))
            .Where(b => !new[] { "dotnet run", "scripts/test", "trent serve" }.Any(first => b.TrimStart().StartsWith(first, StringComparison.Ordinal)))
            .ToList();
        Assert.True(blocks.Count >= 8, $"found only {blocks.Count} runnable shell blocks in README.md");
        // `trent root` talks to the running server; every other verb works on the stopped server's data directory.
        var offline = blocks.Where(b => b.Split('\n').Any(line => line.StartsWith("trent ", StringComparison.Ordinal) && !line.StartsWith("trent root ", StringComparison.Ordinal)))
            .ToList();
        var online = blocks.Except(offline).ToList();

        var work = Directory.CreateDirectory(TestDirectories.New("readme-"));
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(work.FullName, "release.tar.gz"), RandomNumberGenerator.GetBytes(100_000));
            var port = FreePort();
            var url = $"http://127.0.0.1:{port}";
            var trentDll = Path.Combine(AppContext.BaseDirectory, "trent.dll");
            using (var server = Start(work.FullName, "dotnet", [trentDll, "serve", "--urls", url]))
            {
                var banner = new StringBuilder();
                server.OutputDataReceived += (_, e) => { lock (banner) { banner.AppendLine(e.Data); } };
                server.ErrorDataReceived += (_, e) => { lock (banner) { banner.AppendLine(e.Data); } };
                server.BeginOutputReadLine();
                server.BeginErrorReadLine();
                await WaitForAsync(url, server, banner);
                try
                {
                    await RunAsync(work.FullName, "the server's blocks", Script(online, url, trentDll));
                }
                finally
                {
                    // A clean stop (SIGTERM, as Ctrl-C or systemd) seals the trail and writes the final digest.
                    Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                    await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
            }

            await RunAsync(work.FullName, "the offline blocks", Script(offline, url, trentDll));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>One bash script: strict mode, the `trent` command of the build under test, README's blocks in order.</summary>
    private static string Script(IEnumerable<string> blocks, string url, string trentDll)
    {
        var script = new StringBuilder();
        script.AppendLine("set -euo pipefail");
        script.AppendLine($"trent() {{ dotnet '{trentDll}' \"$@\"; }}");
        foreach (var block in blocks)
        {
            script.AppendLine($"echo '### block: {block.Split('\n')[0].Replace("'", string.Empty, StringComparison.Ordinal)}' >&2");
            script.AppendLine(block.Replace("http://127.0.0.1:4599", url, StringComparison.Ordinal));
        }

        return script.ToString();
    }

    private static async Task RunAsync(string directory, string what, string script)
    {
        using var process = Start(directory, "bash", ["-c", script]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0, $"{what} of README.md failed (exit {process.ExitCode})\n--- stdout\n{await stdout}\n--- stderr\n{await stderr}\n--- script\n{script}");
    }

    private static Process Start(string directory, string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A newcomer's shell: no AWS settings of this machine, nothing of the test run's own configuration.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k.StartsWith("TRENT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = string.Empty;
        return Process.Start(start)!;
    }

    private static async Task WaitForAsync(string url, Process server, StringBuilder banner)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(server.HasExited, $"trent serve exited: {banner}");
            try
            {
                if ((await http.GetAsync(url + "/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"trent serve did not answer within 60 s: {banner}");
            await Task.Delay(200);
        }
    }

    private static IEnumerable<string> ShellBlocks(string markdown) =>
        ShellBlock().Matches(markdown).Select(m => m.Groups[1].Value.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd());

    [GeneratedRegex(@"^```sh\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "README.md")) && Directory.Exists(Path.Combine(directory.FullName, "src", "Trent")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"the repository root is not above {AppContext.BaseDirectory}");
    }
}
