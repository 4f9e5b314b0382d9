using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>
/// Headers that change what a request means must be covered by its signature: otherwise a signature
/// captured from a harmless request could be replayed as another operation (issue 11, item 1).
/// </summary>
public sealed class SignedHeadersTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    [Fact]
    public async Task A_signature_that_leaves_out_X_Amz_Target_cannot_be_replayed_as_DisableKey()
    {
        using var kms = shared.Trent.Client();
        var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var body = $$"""{"KeyId":"{{keyId}}"}""";

        foreach (var target in new[] { "TrentService.DescribeKey", "TrentService.DisableKey", "TrentService.ScheduleKeyDeletion" })
        {
            var (status, text) = await SendSignedOverAsync(["content-type", "host", "x-amz-date"], target, "application/x-amz-json-1.1", body, "kms");
            Assert.Equal(400, status);
            Assert.Contains("__type=InvalidSignatureException", text, StringComparison.Ordinal);
            Assert.Contains("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.", text, StringComparison.Ordinal);
        }

        // Over host and x-amz-date only (what the review replayed), whichever unsigned header is named first.
        var (onlyHost, _) = await SendSignedOverAsync(["host", "x-amz-date"], "TrentService.DisableKey", "application/x-amz-json-1.1", body, "kms");
        Assert.Equal(400, onlyHost);

        var key = (await kms.DescribeKeyAsync(keyId)).KeyMetadata;
        Assert.Equal(KeyState.Enabled, key.KeyState);
    }

    [Fact]
    public async Task Content_type_and_every_x_amz_header_present_must_be_signed()
    {
        var (status, text) = await SendSignedOverAsync(["host", "x-amz-date", "x-amz-target"], "TrentService.ListKeys", "application/x-amz-json-1.1", "{}", "kms");
        Assert.Equal(400, status);
        Assert.Contains("'Content-Type' must be a 'SignedHeader' in the AWS Authorization.", text, StringComparison.Ordinal);

        (status, text) = await SendSignedOverAsync(
            ["content-type", "host", "x-amz-date", "x-amz-target"], "TrentService.ListKeys", "application/x-amz-json-1.1", "{}", "kms",
            r => r.Headers.TryAddWithoutValidation("X-Amz-Security-Token", "unsigned-token"));
        Assert.Equal(400, status);
        Assert.Contains("'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.", text, StringComparison.Ordinal);

        (status, _) = await SendSignedOverAsync(["content-type", "host", "x-amz-date", "x-amz-target"], "TrentService.ListKeys", "application/x-amz-json-1.1", "{}", "kms");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task The_query_protocol_refuses_an_unsigned_content_type_with_SignatureDoesNotMatch()
    {
        var (status, text) = await SendSignedOverAsync(
            ["host", "x-amz-date"], null, "application/x-www-form-urlencoded; charset=utf-8", "Action=ListUsers&Version=2010-05-08", "iam");
        Assert.Equal(403, status);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", text, StringComparison.Ordinal);
        Assert.Contains("'Content-Type' must be a 'SignedHeader' in the AWS Authorization.", text, StringComparison.Ordinal);
    }

    private async Task<(int Status, string Body)> SendSignedOverAsync(
        string[] signed, string? target, string contentType, string body, string service, Action<HttpRequestMessage>? tamper = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(shared.Trent.Url) };
        var time = DateTime.UtcNow;
        var amzDate = time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var all = new Dictionary<string, string>
        {
            ["host"] = http.BaseAddress.Authority,
            ["x-amz-date"] = amzDate,
            ["content-type"] = contentType,
        };
        if (target is not null)
        {
            all["x-amz-target"] = target;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Amz-Date", amzDate);
        if (target is not null)
        {
            request.Headers.Add("X-Amz-Target", target);
        }

        var region = service == "iam" ? "us-east-1" : TestTrent.Region;
        request.Headers.TryAddWithoutValidation("Authorization", TestSigner.Authorization(
            "POST", "/", all.Where(h => signed.Contains(h.Key)).ToDictionary(), bytes, TestTrent.AccessKeyId, TestTrent.SecretAccessKey, region, service, time));
        tamper?.Invoke(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (service == "kms" && text.Length > 0)
        {
            // Unescaped, so that the assertions read AWS's text (the JSON writer escapes quotes as \u0027).
            using var json = System.Text.Json.JsonDocument.Parse(text);
            text = string.Join(' ', json.RootElement.EnumerateObject().Where(p => p.Name is "__type" or "message").Select(p => $"{p.Name}={p.Value.GetString()}"));
        }

        return ((int)response.StatusCode, text);
    }
}
