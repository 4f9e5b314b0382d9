using System.Security.Cryptography;
using System.Text.Json;
using Trent.Domain.Keys;
using Trent.Tests.Infrastructure;

namespace Trent.Bench;

/// <summary>
/// decrypt-v1: Trent writes only ciphertext version 2 (a key derived per blob), so the harness makes a version 1
/// blob itself (AES-GCM under the material directly), which needs material it knows: a new EXTERNAL key with
/// imported material. Against `decrypt` (a version 2 blob), the difference is the per-request derivation's cost,
/// end to end; decryption derives exactly as encryption does.
/// </summary>
public static class LegacyCiphertext
{
    public static async Task<byte[]> DecryptBodyAsync(KmsClient client)
    {
        var keyId = (await client.CallAsync("CreateKey", """{"Origin":"EXTERNAL","Description":"bench v1"}"""))
            .GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        var parameters = await client.CallAsync(
            "GetParametersForImport", $$"""{"KeyId":"{{keyId}}","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}""");
        var material = RandomNumberGenerator.GetBytes(32);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(parameters.GetProperty("PublicKey").GetBytesFromBase64(), out _);
        var wrapped = rsa.Encrypt(material, RSAEncryptionPadding.OaepSHA256);
        await client.CallAsync("ImportKeyMaterial", JsonSerializer.Serialize(
            new Dictionary<string, string>
            {
                ["KeyId"] = keyId,
                ["ImportToken"] = parameters.GetProperty("ImportToken").GetString()!,
                ["EncryptedKeyMaterial"] = Convert.ToBase64String(wrapped),
                ["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE",
            },
            BenchJson.Default.DictionaryStringString));

        var blob = CiphertextDocument.SealVersion1(material, KeyId.ToReference(keyId), 1, RandomNumberGenerator.GetBytes(32), null);
        CryptographicOperations.ZeroMemory(material);
        return System.Text.Encoding.UTF8.GetBytes($$"""{"CiphertextBlob":"{{Convert.ToBase64String(blob)}}"}""");
    }
}
