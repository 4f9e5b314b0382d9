using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// <c>trent serve</c> as a separate process, so that tests can kill it with SIGKILL and see what survived.
/// </summary>
public sealed class TrentProcess : IDisposable
{
    private readonly Process _process;

    private TrentProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public int ProcessId => _process.Id;

    public static async Task<TrentProcess> StartAsync(
        string dataDirectory, IEnumerable<string>? extraArgs = null, IDictionary<string, string>? environment = null, bool adminFromEnvironment = true,
        string? umask = null)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(umask is null ? "dotnet" : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dataDirectory) ?? Path.GetTempPath(),
        };
        if (umask is not null)
        {
            // The server under a given umask: sh sets it, then becomes dotnet with the arguments below.
            foreach (var arg in new[] { "-c", $"umask {umask} && exec dotnet \"$@\"", "sh" })
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trent.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(dataDirectory);
        if (await TestStores.StoreForAsync(dataDirectory) is { } store)
        {
            start.Environment["TRENT_STORE"] = store;
        }

        foreach (var arg in extraArgs ?? [])
        {
            start.ArgumentList.Add(arg);
        }

        if (adminFromEnvironment)
        {
            start.Environment["TRENT_ADMIN_ACCESS_KEY_ID"] = TestTrent.AccessKeyId;
            start.Environment["TRENT_ADMIN_SECRET_ACCESS_KEY"] = TestTrent.SecretAccessKey;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return await LaunchAsync(start, url);
    }

    /// <summary>
    /// <c>trent serve --dev</c> on a free loopback port, run by <paramref name="fileName"/>: <c>dotnet</c> with the
    /// built <c>trent.dll</c> (<paramref name="arguments"/> before <c>serve</c>), an installed tool or a single-file binary.
    /// </summary>
    public static Task<TrentProcess> StartDevelopmentAsync(string fileName, IEnumerable<string>? arguments = null, IEnumerable<string>? serveArguments = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in (arguments ?? []).Concat(["serve", "--dev", "--urls", url]).Concat(serveArguments ?? []))
        {
            start.ArgumentList.Add(arg);
        }

        // The user's own settings must not leak into what a test expects.
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("TRENT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        return LaunchAsync(start, url);
    }

    /// <summary>The built <c>trent.dll</c> serving <c>--dev</c>.</summary>
    public static Task<TrentProcess> StartDevelopmentAsync() =>
        StartDevelopmentAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "trent.dll")]);

    private static async Task<TrentProcess> LaunchAsync(ProcessStartInfo start, string url)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var trent = new TrentProcess(process, url) { Output = () => { lock (output) { return output.ToString(); } } };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"trent serve exited with {process.ExitCode}:\n{trent.Output()}");
            }

            try
            {
                if ((await http.GetAsync(url + "/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return trent;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        trent.Kill();
        throw new TimeoutException($"trent serve did not answer within 30 s:\n{trent.Output()}");
    }

    public Func<string> Output { get; private init; } = () => string.Empty;

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM as systemd stops it (or <c>INT</c>, as Ctrl-C does); its exit code once it has exited.</summary>
    public async Task<int> StopAsync(string signal = "TERM")
    {
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
