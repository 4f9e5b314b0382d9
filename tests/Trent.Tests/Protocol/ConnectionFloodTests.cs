using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>
/// Idle and slow connections are shed by Kestrel's limits, so that signed requests are served again within
/// seconds and the process stays up (issue 11, item 10). Limits are set low here to keep the test small.
/// </summary>
public sealed class ConnectionFloodTests
{
    [Fact]
    public async Task An_idle_connection_flood_is_shed_and_signed_requests_are_served_again()
    {
        await using var trent = await TestTrent.StartAsync(configure: o =>
        {
            o.Limits.MaxConcurrentConnections = 40;
            o.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2);
            o.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(2);
        });
        var uri = new Uri(trent.Url);
        var flood = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 120; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(uri.Host, uri.Port); // accepted by the kernel's backlog even when Kestrel refuses it
                flood.Add(client);
            }

            // Every idle connection, over the limit or not, is closed by the server within a few seconds.
            var stopwatch = Stopwatch.StartNew();
            var closed = await Task.WhenAll(flood.Select(c => ClosedByServerAsync(c, TimeSpan.FromSeconds(15))));
            Assert.All(closed, Assert.True);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15));

            using var kms = trent.Client();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) });
        }
        finally
        {
            flood.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_slow_body_is_cut_off()
    {
        await using var trent = await TestTrent.StartAsync(configure: o =>
        {
            o.Limits.MinRequestBodyBytesPerSecond = 2000;
            o.Limits.MinRequestBodyGracePeriod = TimeSpan.FromSeconds(2);
        });
        var uri = new Uri(trent.Url);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 200000\r\n\r\n"));

        // 500 bytes/s: faster than Kestrel's default minimum (240), slower than the one configured.
        var cutOff = false;
        var stopwatch = Stopwatch.StartNew();
        var trickle = new byte[100];
        Array.Fill(trickle, (byte)' ');
        try
        {
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(20) && !cutOff)
            {
                await stream.WriteAsync(trickle);
                await Task.Delay(200);
                cutOff = client.Client.Poll(0, SelectMode.SelectRead); // an answer or a close
            }
        }
        catch (IOException)
        {
            cutOff = true;
        }

        Assert.True(cutOff, "the slow body was still being accepted after 20 s");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"cut off only after {stopwatch.Elapsed}");
        using var kms = trent.Client();
        await kms.ListKeysAsync(new ListKeysRequest());
    }

    private static async Task<bool> ClosedByServerAsync(TcpClient client, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            var buffer = new byte[1024];
            while (await client.GetStream().ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
