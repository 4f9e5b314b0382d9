using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using Org.BouncyCastle.X509;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Asymmetric;

/// <summary>DeriveSharedSecret: the other side of the exchange (openssl, BouncyCastle) derives the same secret.</summary>
public sealed class KeyAgreementTests(KeyPool pool) : IClassFixture<KeyPool>
{
    private readonly AmazonKeyManagementServiceClient _kms = pool.Kms;

    [Theory]
    [InlineData("ECC_NIST_P256", "P-256", 32)]
    [InlineData("ECC_NIST_P384", "P-384", 48)]
    [InlineData("ECC_NIST_P521", "P-521", 66)]
    public async Task Openssl_derives_the_same_ECDH_secret_from_the_other_side(string spec, string curve, int length)
    {
        var key = await pool.GetAsync(spec, "KEY_AGREEMENT");
        Assert.Equal(["ECDH"], key.KeyAgreementAlgorithms);
        var kmsPublicKey = (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();

        using var openssl = new OpenSsl();
        openssl.Succeed("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve, "-out", openssl.Path("peer.pem"));
        openssl.Succeed("pkey", "-in", openssl.Path("peer.pem"), "-pubout", "-outform", "DER", "-out", openssl.Path("peer.der"));
        openssl.Succeed("pkeyutl", "-derive", "-inkey", openssl.Path("peer.pem"), "-peerkey", openssl.PublicKeyPem("kms.pem", kmsPublicKey),
            "-out", openssl.Path("secret.bin"));

        var derived = await _kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
        {
            KeyId = key.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = new MemoryStream(openssl.Read("peer.der")),
        });
        Assert.Equal(length, derived.SharedSecret.Length);
        Assert.Equal(openssl.Read("secret.bin"), derived.SharedSecret.ToArray());
        Assert.Equal("ECDH", derived.KeyAgreementAlgorithm.Value);
        Assert.Equal("AWS_KMS", derived.KeyOrigin.Value);
    }

    [Fact]
    public async Task BouncyCastle_derives_the_same_secret_on_the_SM2_curve()
    {
        var key = await pool.GetAsync("SM2", "KEY_AGREEMENT");
        var kmsPublicKey = (ECPublicKeyParameters)PublicKeyFactory.CreateKey(
            (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray());
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, new SecureRandom()));
        var peer = generator.GenerateKeyPair();
        var agreement = new ECDHBasicAgreement();
        agreement.Init(peer.Private);
        var expected = BigIntegers.AsUnsignedByteArray(32, agreement.CalculateAgreement(kmsPublicKey));

        var derived = await _kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
        {
            KeyId = key.KeyId, KeyAgreementAlgorithm = "ECDH",
            PublicKey = new MemoryStream(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(peer.Public).GetDerEncoded()),
        });
        Assert.Equal(expected, derived.SharedSecret.ToArray());
    }

    [Fact]
    public async Task A_bad_or_foreign_public_key_is_a_ValidationException()
    {
        var key = await pool.GetAsync("ECC_NIST_P256", "KEY_AGREEMENT");
        using var p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        foreach (var publicKey in new[] { p384.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo(), RandomNumberGenerator.GetBytes(91), [0x30, 0x00] })
        {
            await ThrowsAws("ValidationException", () => _kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
            {
                KeyId = key.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = new MemoryStream(publicKey),
            }));
        }

        var signing = await pool.GetAsync("ECC_NIST_P256", "SIGN_VERIFY");
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        await ThrowsAws("InvalidKeyUsageException", () => _kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
        {
            KeyId = signing.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = new MemoryStream(peer.ExportSubjectPublicKeyInfo()),
        }), $"{signing.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.");
        await ThrowsAws("InvalidKeyUsageException", () => _kms.SignAsync(new SignRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream([1]), SigningAlgorithm = "ECDSA_SHA_256",
        }), $"{key.Arn} key usage is KEY_AGREEMENT which is not valid for Sign.");
    }
}
