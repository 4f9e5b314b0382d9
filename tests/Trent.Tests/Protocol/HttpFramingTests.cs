using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>
/// Malformed HTTP framing and HTTP-layer errors answer a 4xx with an AWS error body, not a 500 or an
/// empty body (issue 11, item 2). Sent over raw sockets, since HttpClient will not send broken framing.
/// </summary>
public sealed class HttpFramingTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private const string Headers = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\n";

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", false)] // a bad chunk size
    [InlineData("Transfer-Encoding: chunked\r\n\r\n10\r\n{}", true)] // a chunk cut short
    [InlineData("Content-Length: 100\r\n\r\n{\"Limit\":1}", true)] // a body shorter than its Content-Length
    public async Task Broken_framing_is_a_4xx_with_an_AWS_error_body(string rest, bool halfClose)
    {
        var agent = "framing-" + Guid.NewGuid().ToString("N");
        var (status, body) = await SendRawAsync(Headers + $"User-Agent: {agent}\r\n" + rest, halfClose);
        if (!halfClose || status != 0)
        {
            // A client that half-closed may have been disconnected before the answer: then only the audit record tells.
            Assert.InRange(status, 400, 499);
            AssertAwsError(body, "SerializationException");
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement? record = null;
        while (record is null && DateTime.UtcNow < deadline)
        {
            record = AuditFiles.ReadAll(shared.Trent.DataDirectory).Cast<JsonElement?>()
                .FirstOrDefault(r => r!.Value.TryGetProperty("userAgent", out var ua) && ua.GetString() == agent);
            await Task.Delay(100);
        }

        Assert.NotNull(record);
        Assert.Equal("SerializationException", record.Value.GetProperty("errorCode").GetString());
    }

    [Theory]
    [InlineData("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n", 404)]
    [InlineData("GET /no/such/thing HTTP/1.1\r\nHost: localhost\r\n\r\n", 404)]
    [InlineData("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405)]
    [InlineData("PUT / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 405)]
    public async Task HTTP_layer_errors_carry_an_AWS_error_body(string request, int expected)
    {
        var (status, body) = await SendRawAsync(request, halfClose: false);
        Assert.Equal(expected, status);
        AssertAwsError(body, "UnknownOperationException");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_with_an_AWS_error_body()
    {
        var chunk = new string(' ', 64 * 1024);
        var request = new StringBuilder(Headers + "Transfer-Encoding: chunked\r\n\r\n");
        for (var i = 0; i < 5; i++)
        {
            request.Append("10000\r\n").Append(chunk).Append("\r\n");
        }

        request.Append("0\r\n\r\n");
        var (status, body) = await SendRawAsync(request.ToString(), halfClose: false);
        Assert.Equal(413, status);
        AssertAwsError(body, "SerializationException");
    }

    private static void AssertAwsError(string body, string type)
    {
        using var json = JsonDocument.Parse(body);
        Assert.Equal(type, json.RootElement.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetString()));
    }

    private async Task<(int Status, string Body)> SendRawAsync(string request, bool halfClose)
    {
        var uri = new Uri(shared.Trent.Url);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        if (halfClose)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            while (!HasWholeResponse(response))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                response.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (response.Length == 0)
        {
            return (0, string.Empty);
        }

        if (response.Length == 0)
        {
            // Closed (not reset) without an answer: what a half-closing client may also see.
            return (0, string.Empty);
        }

        var text = Encoding.UTF8.GetString(response.ToArray());
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }

    private static bool HasWholeResponse(MemoryStream response)
    {
        var text = Encoding.UTF8.GetString(response.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = text[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && text.Length - end - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
