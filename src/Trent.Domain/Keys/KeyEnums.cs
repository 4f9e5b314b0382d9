namespace Trent.Domain.Keys;

// The members are AWS's wire names, so Enum.ToString()/TryParse are the (cached) conversions.

public enum KeySpec
{
    SYMMETRIC_DEFAULT,
    RSA_2048,
    RSA_3072,
    RSA_4096,
    ECC_NIST_P256,
    ECC_NIST_P384,
    ECC_NIST_P521,
    ECC_SECG_P256K1,
    ECC_NIST_EDWARDS25519,
    HMAC_224,
    HMAC_256,
    HMAC_384,
    HMAC_512,
    SM2,
    ML_DSA_44,
    ML_DSA_65,
    ML_DSA_87,
}

public enum KeyUsage
{
    ENCRYPT_DECRYPT,
    SIGN_VERIFY,
    GENERATE_VERIFY_MAC,
    KEY_AGREEMENT,
}

public enum KeyOrigin
{
    AWS_KMS,
    EXTERNAL,
    AWS_CLOUDHSM,
    EXTERNAL_KEY_STORE,
}

public enum KeyState
{
    Creating,
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
    PendingReplicaDeletion,
    Unavailable,
    Updating,
}

public enum EncryptionAlgorithm
{
    SYMMETRIC_DEFAULT,
    RSAES_OAEP_SHA_1,
    RSAES_OAEP_SHA_256,
    SM2PKE,
}

public enum DataKeySpec
{
    AES_256,
    AES_128,
}

public enum KeyMaterialState
{
    CURRENT,
    NON_CURRENT,
    PENDING_ROTATION,
}

public enum ImportState
{
    IMPORTED,
    PENDING_IMPORT,
}

public enum ExpirationModel
{
    KEY_MATERIAL_EXPIRES,
    KEY_MATERIAL_DOES_NOT_EXPIRE,
}

public enum RotationType
{
    AUTOMATIC,
    ON_DEMAND,
}

public enum ImportType
{
    NEW_KEY_MATERIAL,
    EXISTING_KEY_MATERIAL,
}

public enum IncludeKeyMaterial
{
    ALL_KEY_MATERIAL,
    ROTATIONS_ONLY,
}

public enum WrappingAlgorithm
{
    RSAES_PKCS1_V1_5,
    RSAES_OAEP_SHA_1,
    RSAES_OAEP_SHA_256,
    RSA_AES_KEY_WRAP_SHA_1,
    RSA_AES_KEY_WRAP_SHA_256,
    SM2PKE,
}

public enum WrappingKeySpec
{
    RSA_2048,
    RSA_3072,
    RSA_4096,
    SM2,
}

public enum SigningAlgorithm
{
    RSASSA_PSS_SHA_256,
    RSASSA_PSS_SHA_384,
    RSASSA_PSS_SHA_512,
    RSASSA_PKCS1_V1_5_SHA_256,
    RSASSA_PKCS1_V1_5_SHA_384,
    RSASSA_PKCS1_V1_5_SHA_512,
    ECDSA_SHA_256,
    ECDSA_SHA_384,
    ECDSA_SHA_512,
    SM2DSA,
    ML_DSA_SHAKE_256,
    ED25519_SHA_512,
    ED25519_PH_SHA_512,
}

public enum MacAlgorithm
{
    HMAC_SHA_224,
    HMAC_SHA_256,
    HMAC_SHA_384,
    HMAC_SHA_512,
}

public enum MessageType
{
    RAW,
    DIGEST,
    EXTERNAL_MU,
}

public enum KeyAgreementAlgorithm
{
    ECDH,
}

public enum DataKeyPairSpec
{
    RSA_2048,
    RSA_3072,
    RSA_4096,
    ECC_NIST_P256,
    ECC_NIST_P384,
    ECC_NIST_P521,
    ECC_SECG_P256K1,
    SM2,
    ECC_NIST_EDWARDS25519,
}
