using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using Trent.Tests.Lifecycle;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Asymmetric;

/// <summary>Every KeySpec × KeyUsage pair AWS allows can be created and described; every other pair is refused.</summary>
public sealed class KeySpecTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["SYMMETRIC_DEFAULT"] = ["ENCRYPT_DECRYPT"],
        ["RSA_2048"] = ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
        ["RSA_3072"] = ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
        ["RSA_4096"] = ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
        ["ECC_NIST_P256"] = ["SIGN_VERIFY", "KEY_AGREEMENT"],
        ["ECC_NIST_P384"] = ["SIGN_VERIFY", "KEY_AGREEMENT"],
        ["ECC_NIST_P521"] = ["SIGN_VERIFY", "KEY_AGREEMENT"],
        ["ECC_SECG_P256K1"] = ["SIGN_VERIFY"],
        ["ECC_NIST_EDWARDS25519"] = ["SIGN_VERIFY"],
        ["ML_DSA_44"] = ["SIGN_VERIFY"],
        ["ML_DSA_65"] = ["SIGN_VERIFY"],
        ["ML_DSA_87"] = ["SIGN_VERIFY"],
        ["SM2"] = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "KEY_AGREEMENT"],
        ["HMAC_224"] = ["GENERATE_VERIFY_MAC"],
        ["HMAC_256"] = ["GENERATE_VERIFY_MAC"],
        ["HMAC_384"] = ["GENERATE_VERIFY_MAC"],
        ["HMAC_512"] = ["GENERATE_VERIFY_MAC"],
    };

    private static readonly string[] Usages = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];

    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var spec in Allowed.Keys)
        {
            foreach (var usage in Usages)
            {
                data.Add(spec, usage);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task A_pair_AWS_allows_is_created_and_described_and_any_other_is_refused(string spec, string usage)
    {
        var request = new CreateKeyRequest { KeySpec = spec, KeyUsage = usage };
        if (!Allowed[spec].Contains(usage))
        {
            await ThrowsAws("ValidationException", () => _kms.CreateKeyAsync(request), $"KeyUsage {usage} is not compatible with KeySpec {spec}");
            return;
        }

        var created = (await _kms.CreateKeyAsync(request)).KeyMetadata;
        var described = (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = created.KeyId })).KeyMetadata;
        foreach (var key in new[] { created, described })
        {
            Assert.Equal(spec, key.KeySpec.Value);
            Assert.Equal(usage, key.KeyUsage.Value);
            Assert.Equal(KeyState.Enabled, key.KeyState);
            Assert.Equal(ExpectedAlgorithms(spec, usage, "Encryption"), key.EncryptionAlgorithms ?? []);
            Assert.Equal(ExpectedAlgorithms(spec, usage, "Signing"), key.SigningAlgorithms ?? []);
            Assert.Equal(ExpectedAlgorithms(spec, usage, "Mac"), key.MacAlgorithms ?? []);
            Assert.Equal(ExpectedAlgorithms(spec, usage, "KeyAgreement"), key.KeyAgreementAlgorithms ?? []);
        }
    }

    [Fact]
    public async Task A_non_symmetric_spec_needs_an_explicit_KeyUsage()
    {
        foreach (var spec in new[] { "HMAC_256", "RSA_2048", "ECC_NIST_P256", "ML_DSA_44" })
        {
            await ThrowsAws("ValidationException", () => _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec }),
                "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
        }
    }

    [Fact]
    public async Task Asymmetric_material_imported_from_openssl_signs_what_openssl_verifies()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = "ECC_NIST_P256", KeyUsage = "SIGN_VERIFY", Origin = OriginType.EXTERNAL })).KeyMetadata;
        Assert.Equal(KeyState.PendingImport, key.KeyState);
        using var openssl = new OpenSsl();
        openssl.Succeed("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", openssl.Path("private.pem"));
        openssl.Succeed("pkcs8", "-topk8", "-nocrypt", "-in", openssl.Path("private.pem"), "-outform", "DER", "-out", openssl.Path("private.der"));
        openssl.Succeed("pkey", "-in", openssl.Path("private.pem"), "-pubout", "-out", openssl.Path("public.pem"));

        // RSA private keys are too big for OAEP, and other material must fit the key's spec.
        var rsaPrivate = System.Security.Cryptography.RSA.Create(2048).ExportPkcs8PrivateKey();
        var (wrongToken, wrongWrapped) = await ImportTests.WrapAsync(_kms, key.KeyId, rsaPrivate, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256);
        await ThrowsAws("IncorrectKeyMaterialException", () => Import(key.KeyId, wrongToken, wrongWrapped));

        var (token, wrapped) = await ImportTests.WrapAsync(_kms, key.KeyId, openssl.Read("private.der"), AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_3072);
        await Import(key.KeyId, token, wrapped);
        var message = "imported signing key"u8.ToArray();
        var signature = (await _kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(message), SigningAlgorithm = "ECDSA_SHA_256" }))
            .Signature.ToArray();
        openssl.Succeed("dgst", "-sha256", "-verify", openssl.Path("public.pem"), "-signature", openssl.File("signature.bin", signature), openssl.File("message.bin", message));

        var publicKey = (await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        openssl.Succeed("pkey", "-in", openssl.Path("public.pem"), "-pubin", "-outform", "DER", "-out", openssl.Path("public.der"));
        Assert.Equal(openssl.Read("public.der"), publicKey);
    }

    private Task Import(string keyId, byte[] token, byte[] wrapped) => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
    {
        KeyId = keyId, ImportToken = new MemoryStream(token), EncryptedKeyMaterial = new MemoryStream(wrapped),
        ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
    });

    private static List<string> ExpectedAlgorithms(string spec, string usage, string kind) => (kind, usage, spec) switch
    {
        ("Encryption", "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT") => ["SYMMETRIC_DEFAULT"],
        ("Encryption", "ENCRYPT_DECRYPT", "SM2") => ["SM2PKE"],
        ("Encryption", "ENCRYPT_DECRYPT", _) => ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        ("Signing", "SIGN_VERIFY", "ECC_NIST_P256" or "ECC_SECG_P256K1") => ["ECDSA_SHA_256"],
        ("Signing", "SIGN_VERIFY", "ECC_NIST_P384") => ["ECDSA_SHA_384"],
        ("Signing", "SIGN_VERIFY", "ECC_NIST_P521") => ["ECDSA_SHA_512"],
        ("Signing", "SIGN_VERIFY", "ECC_NIST_EDWARDS25519") => ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
        ("Signing", "SIGN_VERIFY", "SM2") => ["SM2DSA"],
        ("Signing", "SIGN_VERIFY", _) when spec.StartsWith("ML_DSA", StringComparison.Ordinal) => ["ML_DSA_SHAKE_256"],
        ("Signing", "SIGN_VERIFY", _) =>
        [
            "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
        ],
        ("Mac", "GENERATE_VERIFY_MAC", _) => ["HMAC_SHA_" + spec[5..]],
        ("KeyAgreement", "KEY_AGREEMENT", _) => ["ECDH"],
        _ => [],
    };
}
