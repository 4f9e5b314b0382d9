using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Asymmetric;

/// <summary>Garbage signatures, MACs and ciphertexts reach the asymmetric primitives; each must be a clean client error.</summary>
public sealed class HostileCryptoInputTests(KeyPool pool) : IClassFixture<KeyPool>
{
    private readonly AmazonKeyManagementServiceClient _kms = pool.Kms;

    private static IEnumerable<byte[]> Garbage()
    {
        var random = new Random(42);
        foreach (var length in new[] { 1, 2, 8, 32, 63, 64, 65, 71, 72, 256, 512, 2420, 3309, 4627, 6144 })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            yield return bytes;
        }

        yield return [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]; // DER (r, s) = (0, 0)
        yield return [0x30, 0x80, 0x02, 0x01, 0x01];                   // indefinite length
    }

    [Theory]
    [InlineData("RSA_2048", "RSASSA_PSS_SHA_256")]
    [InlineData("ECC_NIST_P521", "ECDSA_SHA_512")]
    [InlineData("ECC_SECG_P256K1", "ECDSA_SHA_256")]
    [InlineData("ECC_NIST_EDWARDS25519", "ED25519_SHA_512")]
    [InlineData("ML_DSA_65", "ML_DSA_SHAKE_256")]
    [InlineData("SM2", "SM2DSA")]
    public async Task A_garbage_signature_is_KMSInvalidSignature(string spec, string algorithm)
    {
        var key = await pool.GetAsync(spec, "SIGN_VERIFY");
        foreach (var signature in Garbage())
        {
            await ThrowsAws("KMSInvalidSignatureException", () => _kms.VerifyAsync(new VerifyRequest
            {
                KeyId = key.KeyId, Message = new MemoryStream([1, 2, 3]), Signature = new MemoryStream(signature), SigningAlgorithm = algorithm,
            }));
        }
    }

    [Theory]
    [InlineData("RSA_4096", "RSAES_OAEP_SHA_256")]
    [InlineData("SM2", "SM2PKE")]
    public async Task A_garbage_ciphertext_is_InvalidCiphertext(string spec, string algorithm)
    {
        var key = await pool.GetAsync(spec, "ENCRYPT_DECRYPT");
        foreach (var ciphertext in Garbage())
        {
            await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest
            {
                KeyId = key.KeyId, CiphertextBlob = new MemoryStream(ciphertext), EncryptionAlgorithm = algorithm,
            }));
        }
    }

    [Fact]
    public async Task A_garbage_MAC_or_peer_key_is_a_client_error()
    {
        var hmac = await pool.GetAsync("HMAC_384", "GENERATE_VERIFY_MAC");
        var sm2 = await pool.GetAsync("SM2", "KEY_AGREEMENT");
        foreach (var bytes in Garbage())
        {
            await ThrowsAws("KMSInvalidMacException", () => _kms.VerifyMacAsync(new VerifyMacRequest
            {
                KeyId = hmac.KeyId, Message = new MemoryStream([1]), Mac = new MemoryStream(bytes), MacAlgorithm = "HMAC_SHA_384",
            }));
            await ThrowsAws("ValidationException", () => _kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
            {
                KeyId = sm2.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = new MemoryStream(bytes),
            }));
        }

        using var p256 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        await ThrowsAws("ValidationException", () => _kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
        {
            KeyId = sm2.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = new MemoryStream(p256.ExportSubjectPublicKeyInfo()),
        }));
    }
}
