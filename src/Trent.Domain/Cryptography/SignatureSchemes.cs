using System.Security.Cryptography;
using Trent.Crypto.Asymmetric;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.Cryptography;

/// <summary>
/// What each KMS signing algorithm means: which message types it takes, how long a digest must be, and
/// which primitive signs and verifies it.
/// </summary>
public static class SignatureSchemes
{
    /// <summary>AWS's rules for the message of a Sign or Verify request (digest §3.1, §5.1).</summary>
    public static void CheckMessage(SigningAlgorithm algorithm, MessageType type, int messageLength)
    {
        switch (type)
        {
            case MessageType.EXTERNAL_MU when algorithm != SigningAlgorithm.ML_DSA_SHAKE_256:
                throw KmsErrors.Validation($"MessageType EXTERNAL_MU is only valid with signing algorithm ML_DSA_SHAKE_256, not {algorithm}.");
            case MessageType.EXTERNAL_MU when messageLength != 64:
                throw KmsErrors.Validation("The message representative (mu) for MessageType EXTERNAL_MU must be 64 bytes long.");
            case MessageType.EXTERNAL_MU:
                // BouncyCastle, Trent's ML-DSA implementation, has no public way to sign a given mu.
                throw KmsErrors.Unsupported("MessageType EXTERNAL_MU is not supported by this Trent server; send the message with MessageType RAW.");
            case MessageType.DIGEST when algorithm is SigningAlgorithm.ML_DSA_SHAKE_256 or SigningAlgorithm.ED25519_SHA_512:
                throw KmsErrors.Validation($"MessageType DIGEST is not valid with signing algorithm {algorithm}.");
            case MessageType.RAW when algorithm == SigningAlgorithm.ED25519_PH_SHA_512:
                throw KmsErrors.Validation($"Signing algorithm {algorithm} requires MessageType DIGEST.");
            case MessageType.DIGEST when messageLength != DigestLength(algorithm):
                throw KmsErrors.Validation($"Digest is invalid length for algorithm {algorithm}.");
        }
    }

    public static byte[] Sign(SigningAlgorithm algorithm, PrivateKeyHandle privateKey, ReadOnlySpan<byte> message, bool isDigest) =>
        algorithm switch
        {
            SigningAlgorithm.ECDSA_SHA_256 or SigningAlgorithm.ECDSA_SHA_384 or SigningAlgorithm.ECDSA_SHA_512 =>
                EcKeys.Sign(privateKey, message, isDigest, Hash(algorithm)),
            SigningAlgorithm.ED25519_SHA_512 or SigningAlgorithm.ED25519_PH_SHA_512 =>
                Ed25519Keys.Sign(privateKey, message, preHashed: algorithm == SigningAlgorithm.ED25519_PH_SHA_512),
            SigningAlgorithm.ML_DSA_SHAKE_256 => MlDsaKeys.Sign(privateKey, message),
            SigningAlgorithm.SM2DSA => Sm2Keys.Sign(privateKey, message, isDigest),
            _ => RsaKeys.Sign(privateKey, message, isDigest, Hash(algorithm), RsaPadding(algorithm)),
        };

    public static bool Verify(
        SigningAlgorithm algorithm, PrivateKeyHandle privateKey, ReadOnlySpan<byte> message, bool isDigest, ReadOnlySpan<byte> signature) =>
        algorithm switch
        {
            SigningAlgorithm.ECDSA_SHA_256 or SigningAlgorithm.ECDSA_SHA_384 or SigningAlgorithm.ECDSA_SHA_512 =>
                EcKeys.Verify(privateKey, message, isDigest, signature, Hash(algorithm)),
            SigningAlgorithm.ED25519_SHA_512 or SigningAlgorithm.ED25519_PH_SHA_512 =>
                Ed25519Keys.Verify(privateKey, message, signature, preHashed: algorithm == SigningAlgorithm.ED25519_PH_SHA_512),
            SigningAlgorithm.ML_DSA_SHAKE_256 => MlDsaKeys.Verify(privateKey, message, signature),
            SigningAlgorithm.SM2DSA => Sm2Keys.Verify(privateKey, message, isDigest, signature),
            _ => RsaKeys.Verify(privateKey, message, isDigest, signature, Hash(algorithm), RsaPadding(algorithm)),
        };

    private static int DigestLength(SigningAlgorithm algorithm) => algorithm switch
    {
        SigningAlgorithm.RSASSA_PSS_SHA_384 or SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384 or SigningAlgorithm.ECDSA_SHA_384 => 48,
        SigningAlgorithm.RSASSA_PSS_SHA_512 or SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512 or SigningAlgorithm.ECDSA_SHA_512
            or SigningAlgorithm.ED25519_PH_SHA_512 => 64,
        _ => 32, // SHA-256 and SM3
    };

    private static HashAlgorithmName Hash(SigningAlgorithm algorithm) => DigestLength(algorithm) switch
    {
        48 => HashAlgorithmName.SHA384,
        64 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    /// <summary>PSS uses a salt as long as the digest, which is .NET's (and KMS's) choice.</summary>
    private static RSASignaturePadding RsaPadding(SigningAlgorithm algorithm) =>
        algorithm is SigningAlgorithm.RSASSA_PSS_SHA_256 or SigningAlgorithm.RSASSA_PSS_SHA_384 or SigningAlgorithm.RSASSA_PSS_SHA_512
            ? RSASignaturePadding.Pss
            : RSASignaturePadding.Pkcs1;
}
