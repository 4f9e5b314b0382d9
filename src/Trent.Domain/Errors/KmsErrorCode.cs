namespace Trent.Domain.Errors;

/// <summary>
/// Every error the domain can report. Each value maps to exactly one AWS error type on the wire
/// (the protocol layer owns that mapping); the names are AWS's, without the "Exception" suffix.
/// </summary>
public enum KmsErrorCode
{
    Validation,
    NotFound,
    AlreadyExists,
    Disabled,
    KMSInvalidState,
    InvalidArn,
    InvalidAliasName,
    InvalidCiphertext,
    IncorrectKey,
    InvalidKeyUsage,
    InvalidMarker,
    LimitExceeded,
    MalformedPolicyDocument,
    Tag,
    UnsupportedOperation,
    DryRunOperation,
    AccessDenied,
    KMSInternal,
    Conflict,
    InvalidImportToken,
    ExpiredImportToken,
    IncorrectKeyMaterial,
    KMSInvalidSignature,
    KMSInvalidMac,
    InvalidGrantToken,
    InvalidGrantId,
    Throttling,
    CustomKeyStoreNotFound,
    CustomKeyStoreNameInUse,
    CustomKeyStoreInvalidState,
    CustomKeyStoreHasCMKs,
    CloudHsmClusterNotFound,
    CloudHsmClusterInUse,
    IncorrectTrustAnchor,
}
