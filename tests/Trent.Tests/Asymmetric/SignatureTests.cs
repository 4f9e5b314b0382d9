using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Asymmetric;

/// <summary>
/// Trent's signatures checked by a second implementation: the openssl CLI for RSA, ECDSA (incl. secp256k1),
/// Ed25519 and SM2; BouncyCastle for ML-DSA and Ed25519ph, which Debian's OpenSSL 3.0 lacks.
/// </summary>
public sealed class SignatureTests(KeyPool pool) : IClassFixture<KeyPool>
{
    private readonly AmazonKeyManagementServiceClient _kms = pool.Kms;

    public static TheoryData<string, string, string> OpenSslCases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var spec in new[] { "RSA_2048", "RSA_3072", "RSA_4096" })
        {
            foreach (var algorithm in new[]
            {
                "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
                "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
            })
            {
                cases.Add(spec, algorithm, "RAW");
                cases.Add(spec, algorithm, "DIGEST");
            }
        }

        foreach (var (spec, algorithm) in new[]
        {
            ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"), ("ECC_NIST_P521", "ECDSA_SHA_512"), ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
        })
        {
            cases.Add(spec, algorithm, "RAW");
            cases.Add(spec, algorithm, "DIGEST");
        }

        cases.Add("ECC_NIST_EDWARDS25519", "ED25519_SHA_512", "RAW");
        cases.Add("SM2", "SM2DSA", "RAW");
        cases.Add("SM2", "SM2DSA", "DIGEST");
        return cases;
    }

    [Theory]
    [MemberData(nameof(OpenSslCases))]
    public async Task OpenSsl_verifies_the_signature_and_Trent_rejects_a_flipped_bit(string spec, string algorithm, string messageType)
    {
        var key = await pool.GetAsync(spec, "SIGN_VERIFY");
        var publicKey = (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        var message = RandomNumberGenerator.GetBytes(1000);
        var signed = messageType == "RAW" ? message : Digest(algorithm, message, publicKey);

        var response = await _kms.SignAsync(new SignRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(signed), MessageType = messageType, SigningAlgorithm = algorithm,
        });
        Assert.Equal(key.Arn, response.KeyId);
        Assert.Equal(algorithm, response.SigningAlgorithm.Value);
        var signature = response.Signature.ToArray();

        // Whichever way Trent was given the message, the signature is over the message itself.
        using var openssl = new OpenSsl();
        var pem = openssl.PublicKeyPem("public.pem", publicKey);
        var messageFile = openssl.File("message.bin", message);
        var signatureFile = openssl.File("signature.bin", signature);
        openssl.Succeed(OpenSslVerify(algorithm, pem, messageFile, signatureFile));

        var verified = await _kms.VerifyAsync(new VerifyRequest
        {
            KeyId = key.Arn, Message = new MemoryStream(signed), MessageType = messageType, Signature = new MemoryStream(signature), SigningAlgorithm = algorithm,
        });
        Assert.True(verified.SignatureValid);

        signature[signature.Length / 2] ^= 0x01;
        var flippedFile = openssl.File("flipped.bin", signature);
        Assert.NotEqual(0, openssl.Run(OpenSslVerify(algorithm, pem, messageFile, flippedFile)).ExitCode);
        await ThrowsAws("KMSInvalidSignatureException", () => _kms.VerifyAsync(new VerifyRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(signed), MessageType = messageType, Signature = new MemoryStream(signature), SigningAlgorithm = algorithm,
        }));
    }

    [Theory]
    [InlineData("ML_DSA_44", 2420)]
    [InlineData("ML_DSA_65", 3309)]
    [InlineData("ML_DSA_87", 4627)]
    public async Task BouncyCastle_verifies_ML_DSA_signatures(string spec, int signatureLength)
    {
        var key = await pool.GetAsync(spec, "SIGN_VERIFY");
        Assert.Equal(["ML_DSA_SHAKE_256"], key.SigningAlgorithms);
#pragma warning disable CS0618 // the deprecated member is part of the wire shape under test
        Assert.Null(key.CustomerMasterKeySpec);
#pragma warning restore CS0618
        var publicKey = (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        var message = RandomNumberGenerator.GetBytes(4096);
        var signature = (await _kms.SignAsync(new SignRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(message), SigningAlgorithm = "ML_DSA_SHAKE_256",
        })).Signature.ToArray();
        Assert.Equal(signatureLength, signature.Length);

        var parameters = (MLDsaPublicKeyParameters)PublicKeyFactory.CreateKey(publicKey);
        Assert.True(VerifyMlDsa(parameters, message, signature));
        signature[100] ^= 0x80;
        Assert.False(VerifyMlDsa(parameters, message, signature));
        await ThrowsAws("KMSInvalidSignatureException", () => _kms.VerifyAsync(new VerifyRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(message), Signature = new MemoryStream(signature), SigningAlgorithm = "ML_DSA_SHAKE_256",
        }));
    }

    [Fact]
    public async Task Ed25519ph_signs_a_SHA_512_digest_that_BouncyCastle_verifies()
    {
        var key = await pool.GetAsync("ECC_NIST_EDWARDS25519", "SIGN_VERIFY");
        Assert.Equal(["ED25519_SHA_512", "ED25519_PH_SHA_512"], key.SigningAlgorithms);
        var publicKey = (Ed25519PublicKeyParameters)PublicKeyFactory.CreateKey(
            (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray());
        var digest = SHA512.HashData(RandomNumberGenerator.GetBytes(300));
        var signature = (await _kms.SignAsync(new SignRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(digest), MessageType = "DIGEST", SigningAlgorithm = "ED25519_PH_SHA_512",
        })).Signature.ToArray();

        // KMS documents that HashEdDSA still applies its SHA-512 pre-hash to the digest it is given.
        var verifier = new Ed25519phSigner([]);
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(digest);
        Assert.True(verifier.VerifySignature(signature));

        await ThrowsAws("ValidationException", () => _kms.SignAsync(new SignRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(digest), MessageType = "RAW", SigningAlgorithm = "ED25519_PH_SHA_512",
        }), "Signing algorithm ED25519_PH_SHA_512 requires MessageType DIGEST.");
        await ThrowsAws("ValidationException", () => _kms.SignAsync(new SignRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(digest), MessageType = "DIGEST", SigningAlgorithm = "ED25519_SHA_512",
        }), "MessageType DIGEST is not valid with signing algorithm ED25519_SHA_512.");
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "ECDSA_SHA_256")]
    [InlineData("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256")]
    [InlineData("ECC_NIST_EDWARDS25519", "ED25519_SHA_512")]
    [InlineData("SM2", "SM2DSA")]
    public async Task Concurrent_signatures_on_one_key_are_all_valid(string spec, string algorithm)
    {
        // The parsed private key is shared (or pooled) across requests; many at once must not mix them up.
        var key = await pool.GetAsync(spec, "SIGN_VERIFY");
        var messages = Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(200)).ToList();
        var signatures = await Task.WhenAll(messages.Select(async m => (await Sign(key.KeyId, m, algorithm)).Signature.ToArray()));
        var publicKey = (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        using var openssl = new OpenSsl();
        var pem = openssl.PublicKeyPem("public.pem", publicKey);
        for (var i = 0; i < messages.Count; i++)
        {
            openssl.Succeed(OpenSslVerify(algorithm, pem, openssl.File($"m{i}", messages[i]), openssl.File($"s{i}", signatures[i])));
        }
    }

    [Fact]
    public async Task Signing_requests_are_checked_as_AWS_checks_them()
    {
        var p256 = await pool.GetAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var rsaEncryption = await pool.GetAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var symmetric = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

        await ThrowsAws("InvalidKeyUsageException", () => Sign(rsaEncryption.KeyId, new byte[10], "RSASSA_PSS_SHA_256"),
            $"{rsaEncryption.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.");
        await ThrowsAws("InvalidKeyUsageException", () => Sign(symmetric.KeyId, new byte[10], "ECDSA_SHA_256"),
            $"{symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.");
        await ThrowsAws("InvalidKeyUsageException", () => Sign(p256.KeyId, new byte[10], "ECDSA_SHA_384"),
            "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.");
        await ThrowsAws("ValidationException", () => Sign(p256.KeyId, new byte[48], "ECDSA_SHA_256", "DIGEST"),
            "Digest is invalid length for algorithm ECDSA_SHA_256.");
        await ThrowsAws("ValidationException", () => Sign(p256.KeyId, new byte[4097], "ECDSA_SHA_256"),
            "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096");
        await ThrowsAws("ValidationException", () => Sign(p256.KeyId, new byte[64], "ECDSA_SHA_256", "EXTERNAL_MU"));
        await ThrowsAws("InvalidKeyUsageException", () => _kms.EncryptAsync(new EncryptRequest { KeyId = p256.KeyId, Plaintext = new MemoryStream([1]) }),
            $"{p256.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.");
        await ThrowsAws("DryRunOperationException", () => _kms.SignAsync(new SignRequest
        {
            KeyId = p256.KeyId, Message = new MemoryStream([1]), SigningAlgorithm = "ECDSA_SHA_256", DryRun = true,
        }));

        var disabled = (await _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = "ECC_NIST_P256", KeyUsage = "SIGN_VERIFY" })).KeyMetadata;
        await _kms.DisableKeyAsync(new DisableKeyRequest { KeyId = disabled.KeyId });
        await ThrowsAws("DisabledException", () => Sign(disabled.KeyId, new byte[10], "ECDSA_SHA_256"), $"{disabled.Arn} is disabled.");
        await ThrowsAws("DisabledException", () => _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = disabled.KeyId }));
    }

    [Fact]
    public async Task Signing_by_alias_works_and_GetPublicKey_describes_the_key()
    {
        var key = await pool.GetAsync("ECC_NIST_P384", "SIGN_VERIFY");
        var alias = "alias/signer-" + Guid.NewGuid().ToString("N");
        await _kms.CreateAliasAsync(alias, key.KeyId);
        var signature = await Sign(alias, [1, 2, 3], "ECDSA_SHA_384");
        Assert.Equal(key.Arn, signature.KeyId);

        var response = await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = alias });
        Assert.Equal(key.Arn, response.KeyId);
        Assert.Equal("ECC_NIST_P384", response.KeySpec.Value);
#pragma warning disable CS0618 // the deprecated member is part of the wire shape under test
        Assert.Equal("ECC_NIST_P384", response.CustomerMasterKeySpec.Value);
#pragma warning restore CS0618
        Assert.Equal("SIGN_VERIFY", response.KeyUsage.Value);
        Assert.Equal(["ECDSA_SHA_384"], response.SigningAlgorithms);
        Assert.True(response.EncryptionAlgorithms is null or { Count: 0 });
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(response.PublicKey.ToArray(), out _);
        Assert.Equal(384, ecdsa.KeySize);

        var symmetric = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("UnsupportedOperationException", () => _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = symmetric.KeyId }));
        var hmac = await pool.GetAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        await ThrowsAws("UnsupportedOperationException", () => _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = hmac.KeyId }));
    }

    private Task<SignResponse> Sign(string keyId, byte[] message, string algorithm, string messageType = "RAW") =>
        _kms.SignAsync(new SignRequest { KeyId = keyId, Message = new MemoryStream(message), SigningAlgorithm = algorithm, MessageType = messageType });

    private static string[] OpenSslVerify(string algorithm, string pem, string message, string signature)
    {
        if (algorithm == "ED25519_SHA_512")
        {
            return ["pkeyutl", "-verify", "-pubin", "-inkey", pem, "-rawin", "-in", message, "-sigfile", signature];
        }

        if (algorithm == "SM2DSA")
        {
            return ["dgst", "-sm3", "-sigopt", "distid:1234567812345678", "-verify", pem, "-signature", signature, message];
        }

        string[] pss = algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal)
            ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
            : [];
        return ["dgst", "-" + HashName(algorithm), .. pss, "-verify", pem, "-signature", signature, message];
    }

    private static string HashName(string algorithm) =>
        algorithm.EndsWith("384", StringComparison.Ordinal) ? "sha384" : algorithm.EndsWith("512", StringComparison.Ordinal) ? "sha512" : "sha256";

    /// <summary>What a DIGEST request carries: the algorithm's hash of the message (for SM2DSA, SM3 of Z‖M).</summary>
    private static byte[] Digest(string algorithm, byte[] message, byte[] publicKey) => algorithm == "SM2DSA"
        ? Sm2Digest(message, (ECPublicKeyParameters)PublicKeyFactory.CreateKey(publicKey))
        : HashName(algorithm) switch
        {
            "sha384" => SHA384.HashData(message),
            "sha512" => SHA512.HashData(message),
            _ => SHA256.HashData(message),
        };

    /// <summary>e = SM3(Z‖M), Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA) with the default ID (GB/T 32918.2 §5.5).</summary>
    private static byte[] Sm2Digest(byte[] message, ECPublicKeyParameters publicKey)
    {
        var curve = GMNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1);
        var id = "1234567812345678"u8.ToArray();
        var sm3 = new SM3Digest();
        sm3.BlockUpdate([(byte)(id.Length * 8 >> 8), (byte)(id.Length * 8)]);
        sm3.BlockUpdate(id);
        foreach (var element in new[] { curve.Curve.A, curve.Curve.B, curve.G.AffineXCoord, curve.G.AffineYCoord, publicKey.Q.AffineXCoord, publicKey.Q.AffineYCoord })
        {
            sm3.BlockUpdate(element.GetEncoded());
        }

        var z = new byte[32];
        sm3.DoFinal(z);
        sm3.BlockUpdate(z);
        sm3.BlockUpdate(message);
        var e = new byte[32];
        sm3.DoFinal(e);
        return e;
    }

    private static bool VerifyMlDsa(MLDsaPublicKeyParameters publicKey, byte[] message, byte[] signature)
    {
        var verifier = new MLDsaSigner(publicKey.Parameters, deterministic: false);
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature);
    }
}
