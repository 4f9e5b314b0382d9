using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Trent.Protocol.SigV4;

/// <summary>
/// Signs awsJson1_1 requests with SigV4 (header form), as any AWS SDK does, caching the derived signing key
/// per day: the client side of Trent's CLI verbs that talk to a running server, and of the benchmark harness
/// (which can measure any KMS endpoint with it). Written from AWS's specification, apart from the verifier.
/// </summary>
public sealed class RequestSigner(string accessKeyId, string secretAccessKey, string? sessionToken, string region, string service = "kms")
{
    private string? _keyDate;
    private byte[] _signingKey = [];

    public void Sign(HttpRequestMessage request, byte[] body, string target, DateTime now)
    {
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = request.RequestUri!.Authority;
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var tokenHeader = sessionToken is null ? string.Empty : $"x-amz-security-token:{sessionToken}\n";
        var signedHeaders = sessionToken is null
            ? "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target"
            : "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target";
        var canonical =
            $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-content-sha256:{payloadHash}\n" +
            $"x-amz-date:{amzDate}\n{tokenHeader}x-amz-target:{target}\n\n{signedHeaders}\n{payloadHash}";
        var scope = $"{date}/{region}/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(date), Encoding.UTF8.GetBytes(toSign)));

        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        if (sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }

        request.Headers.TryAddWithoutValidation(
            "Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private byte[] SigningKey(string date)
    {
        lock (this)
        {
            if (_keyDate != date)
            {
                var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
                foreach (var part in new[] { date, region, service, "aws4_request" })
                {
                    key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
                }

                _signingKey = key;
                _keyDate = date;
            }

            return _signingKey;
        }
    }
}
