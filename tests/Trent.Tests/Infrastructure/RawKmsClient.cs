using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Trent.Tests.Infrastructure;

/// <summary>Sends hand-made awsJson1_1 requests, signed or not, to see exactly what the server answers.</summary>
public sealed class RawKmsClient(string url) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(url) };

    public sealed record Reply(int Status, string? ErrorType, string? Message, string Body, HttpResponseMessage Response);

    public Task<Reply> SendAsync(
        string? target,
        string body,
        bool sign = true,
        DateTime? signedAt = null,
        string accessKeyId = TestTrent.AccessKeyId,
        string secret = TestTrent.SecretAccessKey,
        string? region = null,
        string service = "kms",
        Action<HttpRequestMessage>? tamper = null,
        string path = "/") =>
        SendBytesAsync(target, Encoding.UTF8.GetBytes(body), sign, signedAt, accessKeyId, secret, region ?? TestTrent.Region, service, tamper, path);

    public async Task<Reply> SendBytesAsync(
        string? target,
        byte[] body,
        bool sign = true,
        DateTime? signedAt = null,
        string accessKeyId = TestTrent.AccessKeyId,
        string secret = TestTrent.SecretAccessKey,
        string? region = null,
        string service = "kms",
        Action<HttpRequestMessage>? tamper = null,
        string path = "/")
    {
        var time = signedAt ?? DateTime.UtcNow;
        region ??= TestTrent.Region;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        var amzDate = time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Add("X-Amz-Date", amzDate);
        var headers = new Dictionary<string, string>
        {
            ["host"] = _http.BaseAddress!.Authority,
            ["x-amz-date"] = amzDate,
            ["content-type"] = "application/x-amz-json-1.1",
        };
        if (target is not null)
        {
            request.Headers.Add("X-Amz-Target", target);
            headers["x-amz-target"] = target;
        }

        if (sign)
        {
            request.Headers.TryAddWithoutValidation(
                "Authorization", TestSigner.Authorization("POST", path, headers, body, accessKeyId, secret, region, service, time));
        }

        tamper?.Invoke(request);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? type = null, message = null;
        if (!response.IsSuccessStatusCode && text.Length > 0)
        {
            using var json = JsonDocument.Parse(text);
            type = json.RootElement.GetProperty("__type").GetString();
            message = json.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }

        return new Reply((int)response.StatusCode, type, message, text, response);
    }

    public void Dispose() => _http.Dispose();
}
