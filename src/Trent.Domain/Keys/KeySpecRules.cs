using System.Security.Cryptography;
using Trent.Crypto.Asymmetric;

namespace Trent.Domain.Keys;

/// <summary>Which key usages each key spec allows, and the algorithms a key of each kind reports (digest §5.1).</summary>
public static class KeySpecRules
{
    public static IReadOnlyList<KeyUsage> AllowedUsages(KeySpec spec) => spec switch
    {
        KeySpec.SYMMETRIC_DEFAULT => [KeyUsage.ENCRYPT_DECRYPT],
        KeySpec.RSA_2048 or KeySpec.RSA_3072 or KeySpec.RSA_4096 => [KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY],
        KeySpec.ECC_NIST_P256 or KeySpec.ECC_NIST_P384 or KeySpec.ECC_NIST_P521 => [KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT],
        KeySpec.ECC_SECG_P256K1 or KeySpec.ECC_NIST_EDWARDS25519 => [KeyUsage.SIGN_VERIFY],
        KeySpec.ML_DSA_44 or KeySpec.ML_DSA_65 or KeySpec.ML_DSA_87 => [KeyUsage.SIGN_VERIFY],
        KeySpec.SM2 => [KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT],
        KeySpec.HMAC_224 or KeySpec.HMAC_256 or KeySpec.HMAC_384 or KeySpec.HMAC_512 => [KeyUsage.GENERATE_VERIFY_MAC],
        _ => [],
    };

    public static IReadOnlyList<EncryptionAlgorithm> EncryptionAlgorithms(KeyRecord key) =>
        key.KeyUsage != KeyUsage.ENCRYPT_DECRYPT ? []
        : key.KeySpec switch
        {
            KeySpec.SYMMETRIC_DEFAULT => Lists.SymmetricDefault,
            KeySpec.SM2 => Lists.Sm2Pke,
            _ => Lists.RsaOaep,
        };

    public static IReadOnlyList<SigningAlgorithm> SigningAlgorithms(KeyRecord key) =>
        key.KeyUsage != KeyUsage.SIGN_VERIFY ? []
        : key.KeySpec switch
        {
            KeySpec.RSA_2048 or KeySpec.RSA_3072 or KeySpec.RSA_4096 => Lists.RsaSigning,
            KeySpec.ECC_NIST_P256 or KeySpec.ECC_SECG_P256K1 => Lists.EcdsaSha256,
            KeySpec.ECC_NIST_P384 => Lists.EcdsaSha384,
            KeySpec.ECC_NIST_P521 => Lists.EcdsaSha512,
            KeySpec.ECC_NIST_EDWARDS25519 => Lists.Ed25519,
            KeySpec.ML_DSA_44 or KeySpec.ML_DSA_65 or KeySpec.ML_DSA_87 => Lists.MlDsa,
            KeySpec.SM2 => Lists.Sm2Dsa,
            _ => [],
        };

    public static IReadOnlyList<MacAlgorithm> MacAlgorithms(KeyRecord key) => key.KeySpec switch
    {
        KeySpec.HMAC_224 => Lists.Hmac224,
        KeySpec.HMAC_256 => Lists.Hmac256,
        KeySpec.HMAC_384 => Lists.Hmac384,
        KeySpec.HMAC_512 => Lists.Hmac512,
        _ => [],
    };

    public static IReadOnlyList<KeyAgreementAlgorithm> KeyAgreementAlgorithms(KeyRecord key) =>
        key.KeyUsage == KeyUsage.KEY_AGREEMENT ? Lists.Ecdh : [];

    /// <summary>The deprecated CustomerMasterKeySpec enum lacks the newest specs; for those it is omitted.</summary>
    public static bool HasCustomerMasterKeySpec(KeySpec spec) =>
        spec is not (KeySpec.ML_DSA_44 or KeySpec.ML_DSA_65 or KeySpec.ML_DSA_87 or KeySpec.ECC_NIST_EDWARDS25519);

    public static bool IsHmac(KeySpec spec) => spec is KeySpec.HMAC_224 or KeySpec.HMAC_256 or KeySpec.HMAC_384 or KeySpec.HMAC_512;

    public static bool IsAsymmetric(KeySpec spec) => spec != KeySpec.SYMMETRIC_DEFAULT && !IsHmac(spec);

    /// <summary>The key pair behind an asymmetric key spec.</summary>
    public static KeyPairKind PairKind(KeySpec spec) => spec switch
    {
        KeySpec.RSA_2048 => KeyPairKind.Rsa2048,
        KeySpec.RSA_3072 => KeyPairKind.Rsa3072,
        KeySpec.RSA_4096 => KeyPairKind.Rsa4096,
        KeySpec.ECC_NIST_P256 => KeyPairKind.NistP256,
        KeySpec.ECC_NIST_P384 => KeyPairKind.NistP384,
        KeySpec.ECC_NIST_P521 => KeyPairKind.NistP521,
        KeySpec.ECC_SECG_P256K1 => KeyPairKind.Secp256k1,
        KeySpec.ECC_NIST_EDWARDS25519 => KeyPairKind.Ed25519,
        KeySpec.ML_DSA_44 => KeyPairKind.MlDsa44,
        KeySpec.ML_DSA_65 => KeyPairKind.MlDsa65,
        KeySpec.ML_DSA_87 => KeyPairKind.MlDsa87,
        KeySpec.SM2 => KeyPairKind.Sm2,
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "not an asymmetric key spec"),
    };

    public static KeyPairKind PairKind(DataKeyPairSpec spec) => PairKind(Enum.Parse<KeySpec>(spec.ToString()));

    public static HashAlgorithmName HmacHash(KeySpec spec) => spec switch
    {
        KeySpec.HMAC_224 => new HashAlgorithmName("SHA224"),
        KeySpec.HMAC_256 => HashAlgorithmName.SHA256,
        KeySpec.HMAC_384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    /// <summary>Generated HMAC keys are as long as the hash; imported ones may be longer (digest §6.3).</summary>
    public static (int Generated, int MinImported, int MaxImported) HmacKeyLength(KeySpec spec) => spec switch
    {
        KeySpec.HMAC_224 => (28, 28, 64),
        KeySpec.HMAC_256 => (32, 32, 64),
        KeySpec.HMAC_384 => (48, 48, 128),
        _ => (64, 64, 128),
    };

    /// <summary>The algorithm lists, made once: the crypto operations consult them on every request.</summary>
    private static class Lists
    {
        public static readonly EncryptionAlgorithm[] SymmetricDefault = [EncryptionAlgorithm.SYMMETRIC_DEFAULT];
        public static readonly EncryptionAlgorithm[] Sm2Pke = [EncryptionAlgorithm.SM2PKE];
        public static readonly EncryptionAlgorithm[] RsaOaep = [EncryptionAlgorithm.RSAES_OAEP_SHA_1, EncryptionAlgorithm.RSAES_OAEP_SHA_256];

        public static readonly SigningAlgorithm[] RsaSigning =
        [
            SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512,
            SigningAlgorithm.RSASSA_PSS_SHA_256, SigningAlgorithm.RSASSA_PSS_SHA_384, SigningAlgorithm.RSASSA_PSS_SHA_512,
        ];

        public static readonly SigningAlgorithm[] EcdsaSha256 = [SigningAlgorithm.ECDSA_SHA_256];
        public static readonly SigningAlgorithm[] EcdsaSha384 = [SigningAlgorithm.ECDSA_SHA_384];
        public static readonly SigningAlgorithm[] EcdsaSha512 = [SigningAlgorithm.ECDSA_SHA_512];
        public static readonly SigningAlgorithm[] Ed25519 = [SigningAlgorithm.ED25519_SHA_512, SigningAlgorithm.ED25519_PH_SHA_512];
        public static readonly SigningAlgorithm[] MlDsa = [SigningAlgorithm.ML_DSA_SHAKE_256];
        public static readonly SigningAlgorithm[] Sm2Dsa = [SigningAlgorithm.SM2DSA];
        public static readonly MacAlgorithm[] Hmac224 = [MacAlgorithm.HMAC_SHA_224];
        public static readonly MacAlgorithm[] Hmac256 = [MacAlgorithm.HMAC_SHA_256];
        public static readonly MacAlgorithm[] Hmac384 = [MacAlgorithm.HMAC_SHA_384];
        public static readonly MacAlgorithm[] Hmac512 = [MacAlgorithm.HMAC_SHA_512];
        public static readonly KeyAgreementAlgorithm[] Ecdh = [KeyAgreementAlgorithm.ECDH];
    }
}
