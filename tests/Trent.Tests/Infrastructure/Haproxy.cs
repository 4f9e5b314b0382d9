using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// Debian's haproxy in front of some Trent nodes: round robin, health checks on <c>/readyz</c> every 200 ms, and a
/// request whose connection failed re-dispatched to another node. Its configuration is written by the test, it
/// listens on a free loopback port, and it is stopped (its own process, by ID) when disposed.
/// </summary>
public sealed class Haproxy : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private Haproxy(Process process, string directory, string url)
    {
        _process = process;
        _directory = directory;
        Url = url;
    }

    public string Url { get; }

    public static async Task<Haproxy> StartAsync(IEnumerable<string> nodeUrls)
    {
        var binary = File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "haproxy";
        var port = FreePort();
        var directory = TestDirectories.New("haproxy-");
        Directory.CreateDirectory(directory);
        var servers = nodeUrls.Select((url, i) => $"    server node{i} {new Uri(url).Authority} check");
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
                maxconn 2000
            defaults
                mode http
                timeout connect 1s
                timeout client 30s
                timeout server 30s
                retries 3
                option redispatch 1
                retry-on conn-failure empty-response
            frontend kms
                bind 127.0.0.1:{port}
                default_backend nodes
            backend nodes
                balance roundrobin
                option httpchk GET /readyz
                http-check expect status 200
                default-server inter 200ms fall 2 rise 2
            {string.Join('\n', servers)}

            """);
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-db", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var haproxy = new Haproxy(process, directory, $"http://127.0.0.1:{port}");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (process.HasExited)
            {
                haproxy.Dispose();
                throw new InvalidOperationException($"haproxy exited with {process.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync(haproxy.Url + "/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return haproxy;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                haproxy.Dispose();
                throw new TimeoutException("haproxy did not route to a ready node within 15 s");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        TestDirectories.TryDelete(_directory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
