using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Trent.Protocol.SigV4;

namespace Trent.Bench;

/// <summary>A minimal awsJson1_1 client over one HttpClient (HTTP/1.1, keep-alive, one connection per worker).</summary>
public sealed class KmsClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
    private readonly HttpClient _http;
    private readonly RequestSigner _signer;
    private readonly Uri _endpoint;

    public KmsClient(Uri endpoint, RequestSigner signer, int connections)
    {
        _endpoint = endpoint;
        _signer = signer;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
        };
    }

    /// <summary>Sends one request; returns the status and body (the body only when asked for).</summary>
    public async Task<(int Status, byte[]? Body)> SendAsync(string operation, byte[] body, bool readBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body), Version = HttpVersion.Version11 };
        request.Content.Headers.ContentType = JsonType;
        _signer.Sign(request, body, "TrentService." + operation, DateTime.UtcNow);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, readBody || !response.IsSuccessStatusCode ? content : null);
    }

    /// <summary>Calls an operation for set-up, failing loudly on an error.</summary>
    public async Task<JsonElement> CallAsync(string operation, string json, CancellationToken cancellationToken = default)
    {
        var (status, body) = await SendAsync(operation, Encoding.UTF8.GetBytes(json), readBody: true, cancellationToken).ConfigureAwait(false);
        if (status != 200)
        {
            throw new InvalidOperationException($"{operation} failed with {status}: {Encoding.UTF8.GetString(body ?? [])}");
        }

        return body is { Length: > 0 } ? JsonDocument.Parse(body).RootElement.Clone() : default;
    }

    public void Dispose() => _http.Dispose();
}
