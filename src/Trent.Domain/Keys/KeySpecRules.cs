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
            KeySpec.SYMMETRIC_DEFAULT => [EncryptionAlgorithm.SYMMETRIC_DEFAULT],
            KeySpec.SM2 => [EncryptionAlgorithm.SM2PKE],
            _ => [EncryptionAlgorithm.RSAES_OAEP_SHA_1, EncryptionAlgorithm.RSAES_OAEP_SHA_256],
        };

    /// <summary>The deprecated CustomerMasterKeySpec enum lacks the newest specs; for those it is omitted.</summary>
    public static bool HasCustomerMasterKeySpec(KeySpec spec) =>
        spec is not (KeySpec.ML_DSA_44 or KeySpec.ML_DSA_65 or KeySpec.ML_DSA_87 or KeySpec.ECC_NIST_EDWARDS25519);
}
