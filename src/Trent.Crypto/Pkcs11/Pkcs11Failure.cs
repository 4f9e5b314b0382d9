namespace Trent.Crypto.Pkcs11;

/// <summary>Why a token could not be used, in the terms an operator (or AWS's ConnectionErrorCode) needs.</summary>
public enum Pkcs11Failure
{
    /// <summary>The module (shared library) is missing or is not a PKCS#11 module.</summary>
    ModuleUnavailable,

    /// <summary>No token with the label (or slot) asked for is present.</summary>
    TokenNotFound,

    /// <summary>The token refused the PIN (CKR_PIN_INCORRECT, CKR_PIN_LEN_RANGE, CKR_PIN_INVALID).</summary>
    InvalidCredentials,

    /// <summary>The token's user PIN is locked after too many wrong tries (CKR_PIN_LOCKED).</summary>
    UserLockedOut,

    /// <summary>The token went away or stopped answering while in use (removed, re-initialised, device error).</summary>
    TokenUnavailable,

    /// <summary>The key object asked for is not in the token.</summary>
    KeyNotFound,

    /// <summary>The operation itself failed (bad ciphertext, authentication tag mismatch, unsupported mechanism).</summary>
    OperationFailed,
}

/// <summary>A PKCS#11 failure with a one-line message for operators; never carries a PIN.</summary>
public sealed class Pkcs11TokenException(Pkcs11Failure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public Pkcs11Failure Failure { get; } = failure;
}
