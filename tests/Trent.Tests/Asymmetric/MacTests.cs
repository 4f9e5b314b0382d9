using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using Trent.Tests.Lifecycle;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Asymmetric;

/// <summary>HMAC keys: MACs of imported, known keys equal what openssl computes; generated keys verify their own MACs.</summary>
public sealed class MacTests(KeyPool pool) : IClassFixture<KeyPool>
{
    private readonly AmazonKeyManagementServiceClient _kms = pool.Kms;

    [Theory]
    [InlineData("HMAC_224", "HMAC_SHA_224", "sha224", 28)]
    [InlineData("HMAC_256", "HMAC_SHA_256", "sha256", 32)]
    [InlineData("HMAC_384", "HMAC_SHA_384", "sha384", 48)]
    [InlineData("HMAC_512", "HMAC_SHA_512", "sha512", 64)]
    public async Task A_MAC_under_imported_material_equals_the_HMAC_openssl_computes(string spec, string algorithm, string digest, int length)
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = "GENERATE_VERIFY_MAC", Origin = OriginType.EXTERNAL })).KeyMetadata;
        var material = RandomNumberGenerator.GetBytes(length + 7);
        var (token, wrapped) = await ImportTests.WrapAsync(_kms, key.KeyId, material, AlgorithmSpec.RSAES_OAEP_SHA_256);
        await _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = new MemoryStream(token), EncryptedKeyMaterial = new MemoryStream(wrapped),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        });

        var message = RandomNumberGenerator.GetBytes(4096);
        var mac = await _kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MacAlgorithm = algorithm });
        Assert.Equal(algorithm, mac.MacAlgorithm.Value);
        Assert.Equal(key.Arn, mac.KeyId);

        using var openssl = new OpenSsl();
        var expected = openssl.Succeed("dgst", "-" + digest, "-mac", "HMAC", "-macopt", "hexkey:" + Convert.ToHexStringLower(material),
            "-hex", openssl.File("message.bin", message));
        Assert.EndsWith(Convert.ToHexStringLower(mac.Mac.ToArray()), expected.Trim(), StringComparison.Ordinal);

        var verified = await _kms.VerifyMacAsync(new VerifyMacRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(message), MacAlgorithm = algorithm, Mac = new MemoryStream(mac.Mac.ToArray()),
        });
        Assert.True(verified.MacValid);
    }

    [Theory]
    [InlineData("HMAC_224", "HMAC_SHA_224", 28)]
    [InlineData("HMAC_256", "HMAC_SHA_256", 32)]
    [InlineData("HMAC_384", "HMAC_SHA_384", 48)]
    [InlineData("HMAC_512", "HMAC_SHA_512", 64)]
    public async Task Generated_HMAC_keys_verify_their_MACs_and_reject_a_flipped_bit(string spec, string algorithm, int length)
    {
        var key = await pool.GetAsync(spec, "GENERATE_VERIFY_MAC");
        Assert.Equal([algorithm], key.MacAlgorithms);
        Assert.Null(key.CurrentKeyMaterialId);
        Assert.True(key.EncryptionAlgorithms is null or { Count: 0 });
        var message = "message to authenticate"u8.ToArray();
        var mac = (await _kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MacAlgorithm = algorithm })).Mac.ToArray();
        Assert.Equal(length, mac.Length);
        var again = (await _kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.Arn, Message = new MemoryStream(message), MacAlgorithm = algorithm })).Mac.ToArray();
        Assert.Equal(mac, again);

        mac[0] ^= 0x01;
        await ThrowsAws("KMSInvalidMacException", () => _kms.VerifyMacAsync(new VerifyMacRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(message), MacAlgorithm = algorithm, Mac = new MemoryStream(mac),
        }));
        await ThrowsAws("KMSInvalidMacException", () => _kms.VerifyMacAsync(new VerifyMacRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(message), MacAlgorithm = algorithm, Mac = new MemoryStream(mac[..^1]),
        }));
    }

    [Fact]
    public async Task MAC_requests_are_checked_as_AWS_checks_them()
    {
        var hmac224 = await pool.GetAsync("HMAC_224", "GENERATE_VERIFY_MAC");
        var symmetric = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("InvalidKeyUsageException",
            () => _kms.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac224.KeyId, Message = new MemoryStream([1]), MacAlgorithm = "HMAC_SHA_256" }),
            "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.");
        await ThrowsAws("InvalidKeyUsageException",
            () => _kms.GenerateMacAsync(new GenerateMacRequest { KeyId = symmetric.KeyId, Message = new MemoryStream([1]), MacAlgorithm = "HMAC_SHA_256" }),
            $"{symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.");
        await ThrowsAws("InvalidKeyUsageException",
            () => _kms.EncryptAsync(new EncryptRequest { KeyId = hmac224.KeyId, Plaintext = new MemoryStream([1]) }),
            $"{hmac224.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.");
        await ThrowsAws("ValidationException",
            () => _kms.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac224.KeyId, Message = new MemoryStream([1]), MacAlgorithm = "HMAC_SHA_1" }));
        await ThrowsAws("UnsupportedOperationException", () => _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = hmac224.KeyId }));
    }
}
