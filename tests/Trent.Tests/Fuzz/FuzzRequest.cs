using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Fuzz;

/// <summary>Who signs a fuzzed request: an access key, its secret and, for a role session, its token.</summary>
public sealed record FuzzCaller(string Name, string AccessKeyId, string Secret, string? SessionToken = null);

/// <summary>One fuzzed request: the body bytes and the headers it travels with. It is always correctly signed.</summary>
public sealed record FuzzRequest(string Surface, string Operation, string Service, string? Target, string? ContentType, byte[] Body)
{
    /// <summary>Builds the HTTP request, signed (SigV4) over every header it carries, as an AWS SDK signs.</summary>
    public HttpRequestMessage ToHttp(Uri baseAddress, FuzzCaller caller)
    {
        var time = DateTime.UtcNow;
        var amzDate = time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(Body) };
        var headers = new Dictionary<string, string> { ["host"] = baseAddress.Authority, ["x-amz-date"] = amzDate };
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (ContentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            headers["content-type"] = ContentType;
        }

        if (Target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", Target);
            headers["x-amz-target"] = Target;
        }

        if (caller.SessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", caller.SessionToken);
            headers["x-amz-security-token"] = caller.SessionToken;
        }

        request.Headers.TryAddWithoutValidation(
            "Authorization",
            TestSigner.Authorization("POST", "/", headers, Body, caller.AccessKeyId, caller.Secret, TestTrent.Region, Service, time));
        return request;
    }

    /// <summary>A short, printable description for failure reports.</summary>
    public string Describe(FuzzCaller caller)
    {
        var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 400));
        var printable = new string([.. text.Select(c => char.IsControl(c) ? '·' : c)]);
        return $"{Surface} {Operation} as {caller.Name} (service {Service}, target {Target ?? "none"}, content-type {ContentType ?? "none"}, {Body.Length} bytes): {printable}";
    }
}
