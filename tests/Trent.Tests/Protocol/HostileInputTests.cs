using System.Text;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>Garbage in: every answer is a clean AWS error, the server stays up and nothing is written.</summary>
public sealed class HostileInputTests
{
    /// <summary>Operations with required members, so that no body below is a valid request for them.
    /// (CreateKey and ListKeys have only optional members and ignore unknown ones, as AWS does.)</summary>
    private static readonly string[] Operations =
    [
        "DescribeKey", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "TagResource",
        "PutKeyPolicy", "CreateAlias", "ImportKeyMaterial", "GetParametersForImport", "ListKeyRotations", "ScheduleKeyDeletion",
        "Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret", "GenerateDataKeyPair",
    ];

    private static readonly string[] Bodies =
    [
        "", "{", "}", "[]", "null", "42", "\"text\"", "{\"KeyId\":{}}", "{\"KeyId\":[1,2]}", "{\"KeyId\":null,\"Plaintext\":null}",
        "{\"Plaintext\":\"!!!\"}", "{\"KeyId\":\"" + new string('k', 3000) + "\"}", "{\"Tags\":[null]}", "{\"Tags\":[{\"TagKey\":1}]}",
        "{\"EncryptionContext\":{\"a\":1}}", "{\"EncryptionContext\":[]}", "{\"Limit\":1e100}", "{\"Limit\":-1}", "{\"Marker\":\"\\u0000\"}",
        "{\"Policy\":\"{\\\"Statement\\\":" + new string('[', 200) + "\"}", "{\"KeyId\":\"alias/../../etc\"}", "{\"KeyId\":\"arn:aws:kms:::\"}",
        "{\"CiphertextBlob\":\"AAAA\"}", "{\"ValidTo\":\"tomorrow\"}", "{\"ValidTo\":1e308}", "\u00ff\u00fe\u0000garbage",
    ];

    [Fact]
    public async Task Every_malformed_request_gets_a_client_error_and_changes_nothing()
    {
        await using var trent = await TestTrent.StartAsync();
        using var raw = new RawKmsClient(trent.Url);
        var random = new Random(1234);
        var bodies = Bodies.Select(Encoding.UTF8.GetBytes)
            .Concat(Enumerable.Range(0, 40).Select(_ =>
            {
                var bytes = new byte[random.Next(1, 300)];
                random.NextBytes(bytes);
                return bytes;
            }))
            .ToList();

        foreach (var operation in Operations)
        {
            foreach (var body in bodies)
            {
                var reply = await raw.SendBytesAsync("TrentService." + operation, body);
                Assert.True(reply.Status == 400, $"{operation} with {Encoding.UTF8.GetString(body)} answered {reply.Status}: {reply.Body}");
                Assert.False(string.IsNullOrEmpty(reply.ErrorType));
                Assert.NotEqual("KMSInternalException", reply.ErrorType);
            }
        }

        // For the all-optional operations, what is not a JSON object is still refused.
        foreach (var operation in new[] { "CreateKey", "ListKeys" })
        {
            foreach (var body in bodies.Where(b => b.Length == 0 || b[0] != (byte)'{'))
            {
                var reply = await raw.SendBytesAsync("TrentService." + operation, body);
                Assert.True(reply.Status == 400, $"{operation} with {Encoding.UTF8.GetString(body)} answered {reply.Status}: {reply.Body}");
            }
        }

        var keys = await raw.SendAsync("TrentService.ListKeys", "{}");
        Assert.Equal(200, keys.Status);
        Assert.Contains("\"Keys\":[]", keys.Body, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(trent.Url) };
        Assert.Equal("ready\n", await http.GetStringAsync("/readyz"));
    }
}
