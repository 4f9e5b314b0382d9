using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// A deliberately plain SigV4 signer for raw-HTTP tests that the SDK cannot express (bad bodies, stale
/// dates, missing headers). Checked against AWS's published "get-vanilla" vector in <c>SigV4Tests</c>.
/// </summary>
public static class TestSigner
{
    public static string Authorization(
        string method, string path, IReadOnlyDictionary<string, string> headers, byte[] body,
        string accessKeyId, string secret, string region, string service, DateTime time)
    {
        var date = time.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var names = headers.Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        var canonicalHeaders = string.Concat(names.Select(n => n + ":" + headers.First(h => h.Key.Equals(n, StringComparison.OrdinalIgnoreCase)).Value.Trim() + "\n"));
        var signedHeaders = string.Join(';', names);
        var canonicalRequest = $"{method}\n{path}\n\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData(body))}";
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
