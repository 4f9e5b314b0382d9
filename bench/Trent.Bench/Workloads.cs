using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Trent.Bench;

/// <summary>The standard workloads. Set-up (creating keys, making a ciphertext) happens before timing starts.</summary>
public static class Workloads
{
    public static readonly string[] Standard =
        ["encrypt-32", "encrypt-4k", "decrypt", "generate-data-key", "describe-key", "create-key", "sign", "sign-rsa-2048", "generate-mac", "mix"];

    /// <param name="keyId">An existing key for encrypt-32, encrypt-4k and decrypt (a custom key store's, say); a new one when null.</param>
    public static async Task<Func<Random, BenchRequest>> PrepareAsync(
        string name, KmsClient client, IReadOnlyList<string>? keyIds = null, string? keyId = null)
    {
        async Task<string> KeyAsync() => keyId ?? await NewKeyAsync(client);
        switch (name)
        {
            case "encrypt-32":
                return Fixed("Encrypt", Encrypt(await KeyAsync(), 32));
            case "encrypt-4k":
                return Fixed("Encrypt", Encrypt(await KeyAsync(), 4096));
            case "encrypt-random-key":
                var keys = keyIds ?? throw new ArgumentException("encrypt-random-key needs key IDs");
                var plaintext = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                return random => new BenchRequest("Encrypt", Json($$"""{"KeyId":"{{keys[random.Next(keys.Count)]}}","Plaintext":"{{plaintext}}"}"""));
            case "decrypt":
                return Fixed("Decrypt", await DecryptBodyAsync(client, await KeyAsync()));
            case "decrypt-v1":
                return Fixed("Decrypt", await LegacyCiphertext.DecryptBodyAsync(client));
            case "generate-data-key":
                return Fixed("GenerateDataKey", Json($$"""{"KeyId":"{{await NewKeyAsync(client)}}","KeySpec":"AES_256"}"""));
            case "describe-key":
                return Fixed("DescribeKey", Json($$"""{"KeyId":"{{await NewKeyAsync(client)}}"}"""));
            case "create-key":
                return Fixed("CreateKey", Json("""{"Description":"bench"}"""));
            case "sign":
                return Fixed("Sign", SignBody(await NewKeyAsync(client, "ECC_NIST_P256", "SIGN_VERIFY"), "ECDSA_SHA_256"));
            case "sign-rsa-2048":
                return Fixed("Sign", SignBody(await NewKeyAsync(client, "RSA_2048", "SIGN_VERIFY"), "RSASSA_PSS_SHA_256"));
            case "generate-mac":
                var macKey = await NewKeyAsync(client, "HMAC_256", "GENERATE_VERIFY_MAC");
                return Fixed("GenerateMac", Json($$"""{"KeyId":"{{macKey}}","Message":"{{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}}","MacAlgorithm":"HMAC_SHA_256"}"""));
            case "mix":
                var key = await NewKeyAsync(client);
                BenchRequest[] mix =
                [
                    .. Enumerable.Repeat(new BenchRequest("Encrypt", Encrypt(key, 32)), 4),
                    .. Enumerable.Repeat(new BenchRequest("Decrypt", await DecryptBodyAsync(client, key)), 3),
                    .. Enumerable.Repeat(new BenchRequest("GenerateDataKey", Json($$"""{"KeyId":"{{key}}","KeySpec":"AES_256"}""")), 2),
                    new BenchRequest("DescribeKey", Json($$"""{"KeyId":"{{key}}"}""")),
                ];
                return random => mix[random.Next(mix.Length)];
            default:
                throw new ArgumentException($"Unknown workload '{name}'. Known: {string.Join(", ", Standard)}, encrypt-random-key, decrypt-v1");
        }
    }

    public static async Task<string> NewKeyAsync(KmsClient client) =>
        (await client.CallAsync("CreateKey", """{"Description":"bench"}""")).GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;

    private static async Task<string> NewKeyAsync(KmsClient client, string spec, string usage) =>
        (await client.CallAsync("CreateKey", $$"""{"KeySpec":"{{spec}}","KeyUsage":"{{usage}}"}""")).GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;

    private static byte[] SignBody(string keyId, string algorithm) =>
        Json($$"""{"KeyId":"{{keyId}}","Message":"{{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}}","MessageType":"RAW","SigningAlgorithm":"{{algorithm}}"}""");

    /// <summary>Key IDs of the account, up to <paramref name="max"/>, through ListKeys.</summary>
    public static async Task<List<string>> ListKeyIdsAsync(KmsClient client, int max)
    {
        var ids = new List<string>();
        string? marker = null;
        do
        {
            var page = await client.CallAsync("ListKeys", marker is null ? """{"Limit":1000}""" : $$"""{"Limit":1000,"Marker":{{JsonSerializer.Serialize(marker, BenchJson.Default.String)}}}""");
            ids.AddRange(page.GetProperty("Keys").EnumerateArray().Select(k => k.GetProperty("KeyId").GetString()!));
            marker = page.TryGetProperty("NextMarker", out var next) ? next.GetString() : null;
        }
        while (marker is not null && ids.Count < max);
        return ids.Take(max).ToList();
    }

    private static async Task<byte[]> DecryptBodyAsync(KmsClient client, string keyId)
    {
        var ciphertext = (await client.CallAsync("Encrypt", Encoding.UTF8.GetString(Encrypt(keyId, 32)))).GetProperty("CiphertextBlob").GetString();
        return Json($$"""{"CiphertextBlob":"{{ciphertext}}"}""");
    }

    private static byte[] Encrypt(string keyId, int size) =>
        Json($$"""{"KeyId":"{{keyId}}","Plaintext":"{{Convert.ToBase64String(RandomNumberGenerator.GetBytes(size))}}"}""");

    private static Func<Random, BenchRequest> Fixed(string operation, byte[] body)
    {
        var request = new BenchRequest(operation, body);
        return _ => request;
    }

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
