using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Asymmetric;

/// <summary>Data key pairs: openssl derives the returned public key from the private key, which Decrypt returns sealed.</summary>
public sealed class DataKeyPairTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    [Theory]
    [InlineData("RSA_2048")]
    [InlineData("RSA_3072")]
    [InlineData("RSA_4096")]
    [InlineData("ECC_NIST_P256")]
    [InlineData("ECC_NIST_P384")]
    [InlineData("ECC_NIST_P521")]
    [InlineData("ECC_SECG_P256K1")]
    [InlineData("SM2")]
    [InlineData("ECC_NIST_EDWARDS25519")]
    public async Task The_public_key_matches_the_private_key_and_the_sealed_copy_decrypts_to_it(string spec)
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var context = new Dictionary<string, string> { ["purpose"] = "data-key-pair" };
        var pair = await _kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = spec, EncryptionContext = context });
        Assert.Equal(spec, pair.KeyPairSpec.Value);
        Assert.Equal(key.Arn, pair.KeyId);
        Assert.Equal(key.CurrentKeyMaterialId, pair.KeyMaterialId);
        var privateKey = pair.PrivateKeyPlaintext.ToArray();

        using var openssl = new OpenSsl();
        openssl.Succeed("pkey", "-inform", "DER", "-in", openssl.File("private.der", privateKey), "-pubout", "-outform", "DER", "-out", openssl.Path("public.der"));
        Assert.Equal(openssl.Read("public.der"), pair.PublicKey.ToArray());

        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(pair.PrivateKeyCiphertextBlob.ToArray()), EncryptionContext = context });
        Assert.Equal(privateKey, decrypted.Plaintext.ToArray());

        var withoutPlaintext = await _kms.GenerateDataKeyPairWithoutPlaintextAsync(new GenerateDataKeyPairWithoutPlaintextRequest
        {
            KeyId = key.KeyId, KeyPairSpec = spec, EncryptionContext = context,
        });
        var sealedPrivate = (await _kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(withoutPlaintext.PrivateKeyCiphertextBlob.ToArray()), EncryptionContext = context,
        })).Plaintext.ToArray();
        openssl.Succeed("pkey", "-inform", "DER", "-in", openssl.File("private2.der", sealedPrivate), "-pubout", "-outform", "DER", "-out", openssl.Path("public2.der"));
        Assert.Equal(openssl.Read("public2.der"), withoutPlaintext.PublicKey.ToArray());
        Assert.NotEqual(pair.PublicKey.ToArray(), withoutPlaintext.PublicKey.ToArray());
    }

    [Fact]
    public async Task Data_key_pairs_need_a_symmetric_encryption_key_and_a_known_spec()
    {
        var rsa = (await _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = "RSA_2048", KeyUsage = "ENCRYPT_DECRYPT" })).KeyMetadata;
        await ThrowsAws("InvalidKeyUsageException",
            () => _kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = rsa.KeyId, KeyPairSpec = "ECC_NIST_P256" }),
            "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
        var symmetric = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("ValidationException",
            () => _kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = symmetric.KeyId, KeyPairSpec = "ML_DSA_44" }));
    }
}
