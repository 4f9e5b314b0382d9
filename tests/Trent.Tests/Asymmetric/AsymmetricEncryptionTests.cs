using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Asymmetric;

/// <summary>RSA OAEP and SM2PKE: openssl encrypts with the public key from GetPublicKey, Trent decrypts.</summary>
public sealed class AsymmetricEncryptionTests(KeyPool pool) : IClassFixture<KeyPool>
{
    private readonly AmazonKeyManagementServiceClient _kms = pool.Kms;

    [Theory]
    [InlineData("RSA_2048", "RSAES_OAEP_SHA_1", 214)]
    [InlineData("RSA_2048", "RSAES_OAEP_SHA_256", 190)]
    [InlineData("RSA_3072", "RSAES_OAEP_SHA_1", 342)]
    [InlineData("RSA_3072", "RSAES_OAEP_SHA_256", 318)]
    [InlineData("RSA_4096", "RSAES_OAEP_SHA_1", 470)]
    [InlineData("RSA_4096", "RSAES_OAEP_SHA_256", 446)]
    public async Task Trent_decrypts_what_openssl_encrypts_with_RSA_OAEP_up_to_AWS_size_limit(string spec, string algorithm, int limit)
    {
        var key = await pool.GetAsync(spec, "ENCRYPT_DECRYPT");
        Assert.Equal(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], key.EncryptionAlgorithms);
        var publicKey = (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        var plaintext = RandomNumberGenerator.GetBytes(limit);
        var digest = algorithm.EndsWith("SHA_1", StringComparison.Ordinal) ? "sha1" : "sha256";

        using var openssl = new OpenSsl();
        openssl.Succeed(
            "pkeyutl", "-encrypt", "-pubin", "-inkey", openssl.PublicKeyPem("public.pem", publicKey), "-in", openssl.File("plain.bin", plaintext),
            "-out", openssl.Path("cipher.bin"), "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", $"rsa_oaep_md:{digest}", "-pkeyopt", $"rsa_mgf1_md:{digest}");
        var decrypted = await Decrypt(key.KeyId, openssl.Read("cipher.bin"), algorithm);
        Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
        Assert.Equal(algorithm, decrypted.EncryptionAlgorithm.Value);
        Assert.Null(decrypted.KeyMaterialId);

        // And Trent's own ciphertext decrypts too, under the same limit.
        var encrypted = await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(plaintext), EncryptionAlgorithm = algorithm });
        Assert.Equal(algorithm, encrypted.EncryptionAlgorithm.Value);
        Assert.Equal(plaintext, (await Decrypt(key.Arn, encrypted.CiphertextBlob.ToArray(), algorithm)).Plaintext.ToArray());
        await ThrowsAws("ValidationException",
            () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(new byte[limit + 1]), EncryptionAlgorithm = algorithm }),
            $"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than {limit} bytes.");

        // The other OAEP hash does not decrypt it.
        var other = algorithm == "RSAES_OAEP_SHA_1" ? "RSAES_OAEP_SHA_256" : "RSAES_OAEP_SHA_1";
        await ThrowsAws("InvalidCiphertextException", () => Decrypt(key.KeyId, encrypted.CiphertextBlob.ToArray(), other));
    }

    [Fact]
    public async Task Trent_decrypts_what_openssl_encrypts_with_SM2PKE()
    {
        var key = await pool.GetAsync("SM2", "ENCRYPT_DECRYPT");
        Assert.Equal(["SM2PKE"], key.EncryptionAlgorithms);
        var publicKey = (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        var plaintext = RandomNumberGenerator.GetBytes(1024);

        using var openssl = new OpenSsl();
        openssl.Succeed("pkeyutl", "-encrypt", "-pubin", "-inkey", openssl.PublicKeyPem("public.pem", publicKey),
            "-in", openssl.File("plain.bin", plaintext), "-out", openssl.Path("cipher.bin"));
        var ciphertext = openssl.Read("cipher.bin");
        Assert.Equal(plaintext, (await Decrypt(key.KeyId, ciphertext, "SM2PKE")).Plaintext.ToArray());

        ciphertext[^1] ^= 0x01;
        await ThrowsAws("InvalidCiphertextException", () => Decrypt(key.KeyId, ciphertext, "SM2PKE"));
        await ThrowsAws("ValidationException",
            () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(new byte[1025]), EncryptionAlgorithm = "SM2PKE" }),
            "Algorithm SM2PKE and key spec SM2 cannot encrypt data larger than 1024 bytes.");

        // Trent's ciphertext is the GM/T 0009 ASN.1 form openssl reads: SEQUENCE { x, y, hash, ciphertext }.
        var encrypted = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(plaintext), EncryptionAlgorithm = "SM2PKE" }))
            .CiphertextBlob.ToArray();
        var parsed = openssl.Succeed("asn1parse", "-inform", "DER", "-in", openssl.File("trent.bin", encrypted));
        Assert.Equal(2, parsed.Split('\n').Count(l => l.Contains("INTEGER", StringComparison.Ordinal)));
        Assert.Equal(2, parsed.Split('\n').Count(l => l.Contains("OCTET STRING", StringComparison.Ordinal)));
        Assert.Equal(plaintext, (await Decrypt(key.KeyId, encrypted, "SM2PKE")).Plaintext.ToArray());
    }

    [Fact]
    public async Task Asymmetric_ciphertext_needs_the_key_and_algorithm_and_takes_no_encryption_context()
    {
        var key = await pool.GetAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var encrypted = (await _kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2, 3]), EncryptionAlgorithm = "RSAES_OAEP_SHA_256",
        })).CiphertextBlob.ToArray();

        await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(encrypted) }));
        await ThrowsAws("InvalidKeyUsageException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(encrypted), KeyId = key.KeyId }),
            "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
        await ThrowsAws("InvalidKeyUsageException",
            () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]), EncryptionAlgorithm = "SM2PKE" }),
            "Algorithm SM2PKE is incompatible with key spec RSA_2048.");
        await ThrowsAws("ValidationException", () => _kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.KeyId, Plaintext = new MemoryStream([1]), EncryptionAlgorithm = "RSAES_OAEP_SHA_256",
            EncryptionContext = new Dictionary<string, string> { ["a"] = "b" },
        }));
        await ThrowsAws("InvalidKeyUsageException", () => _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 }),
            "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
    }

    [Fact]
    public async Task ReEncrypt_moves_data_between_symmetric_and_asymmetric_keys()
    {
        var rsa = await pool.GetAsync("RSA_3072", "ENCRYPT_DECRYPT");
        var sm2 = await pool.GetAsync("SM2", "ENCRYPT_DECRYPT");
        var symmetric = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var plaintext = RandomNumberGenerator.GetBytes(100);
        var context = new Dictionary<string, string> { ["app"] = "reencrypt" };
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = symmetric.KeyId, Plaintext = new MemoryStream(plaintext), EncryptionContext = context }))
            .CiphertextBlob.ToArray();

        var toRsa = await _kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(blob), SourceEncryptionContext = context, DestinationKeyId = rsa.KeyId, DestinationEncryptionAlgorithm = "RSAES_OAEP_SHA_256",
        });
        Assert.Equal("SYMMETRIC_DEFAULT", toRsa.SourceEncryptionAlgorithm.Value);
        Assert.Equal("RSAES_OAEP_SHA_256", toRsa.DestinationEncryptionAlgorithm.Value);
        Assert.Equal(symmetric.CurrentKeyMaterialId, toRsa.SourceKeyMaterialId);
        Assert.Null(toRsa.DestinationKeyMaterialId);

        var toSm2 = await _kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(toRsa.CiphertextBlob.ToArray()), SourceKeyId = rsa.Arn, SourceEncryptionAlgorithm = "RSAES_OAEP_SHA_256",
            DestinationKeyId = sm2.KeyId, DestinationEncryptionAlgorithm = "SM2PKE",
        });
        Assert.Equal(rsa.Arn, toSm2.SourceKeyId);
        var back = await _kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(toSm2.CiphertextBlob.ToArray()), SourceKeyId = sm2.KeyId, SourceEncryptionAlgorithm = "SM2PKE",
            DestinationKeyId = symmetric.KeyId, DestinationEncryptionContext = context,
        });
        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(back.CiphertextBlob.ToArray()), EncryptionContext = context });
        Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
    }

    private Task<DecryptResponse> Decrypt(string keyId, byte[] ciphertext, string algorithm) =>
        _kms.DecryptAsync(new DecryptRequest { KeyId = keyId, CiphertextBlob = new MemoryStream(ciphertext), EncryptionAlgorithm = algorithm });
}
