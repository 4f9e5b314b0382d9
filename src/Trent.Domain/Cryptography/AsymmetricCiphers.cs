using System.Security.Cryptography;
using Trent.Crypto.Asymmetric;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.Cryptography;

/// <summary>
/// Encryption with the public key of an asymmetric ENCRYPT_DECRYPT key and decryption with its private key:
/// RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 for RSA keys, SM2PKE for SM2 keys. The ciphertext is the
/// algorithm's own output, with no Trent header, so that anyone holding the public key can make one.
/// </summary>
public static class AsymmetricCiphers
{
    /// <summary>SM2PKE's limit (digest §6.3).</summary>
    public const int MaxSm2Plaintext = 1024;

    /// <summary>Checks the algorithm and plaintext against the key before anything is encrypted.</summary>
    public static void CheckEncrypt(KeyRecord key, EncryptionAlgorithm? algorithm, int plaintextLength, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        var chosen = RequireAlgorithm(key, algorithm, encryptionContext);
        var max = MaxPlaintext(key.KeySpec, chosen);
        if (plaintextLength > max)
        {
            throw KmsErrors.Validation($"Algorithm {chosen} and key spec {key.KeySpec} cannot encrypt data larger than {max} bytes.");
        }
    }

    /// <summary>The algorithm a request names, if the key supports it; asymmetric keys have no default.</summary>
    public static EncryptionAlgorithm RequireAlgorithm(KeyRecord key, EncryptionAlgorithm? algorithm, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        if (algorithm is not { } chosen || !KeySpecRules.EncryptionAlgorithms(key).Contains(chosen))
        {
            throw KmsErrors.IncompatibleAlgorithm((algorithm ?? EncryptionAlgorithm.SYMMETRIC_DEFAULT).ToString(), key.KeySpec.ToString());
        }

        if (encryptionContext is { Count: > 0 })
        {
            // Silently dropping it would let a caller believe the context is bound to the ciphertext.
            throw KmsErrors.Validation($"EncryptionContext is not supported with asymmetric KMS keys ({key.KeySpec}); it is bound only by symmetric encryption keys.");
        }

        return chosen;
    }

    public static int MaxPlaintext(KeySpec spec, EncryptionAlgorithm algorithm) =>
        spec == KeySpec.SM2 ? MaxSm2Plaintext : RsaKeys.MaxOaepPlaintext(RsaKeys.ModulusBits(KeySpecRules.PairKind(spec)), OaepHash(algorithm));

    public static byte[] Encrypt(EncryptionAlgorithm algorithm, PrivateKeyHandle privateKey, ReadOnlySpan<byte> plaintext) =>
        algorithm == EncryptionAlgorithm.SM2PKE ? Sm2Keys.Encrypt(privateKey, plaintext) : RsaKeys.Encrypt(privateKey, plaintext, OaepHash(algorithm));

    /// <summary>The plaintext (the caller wipes it), or InvalidCiphertextException.</summary>
    public static byte[] Decrypt(EncryptionAlgorithm algorithm, PrivateKeyHandle privateKey, ReadOnlySpan<byte> ciphertext) =>
        (algorithm == EncryptionAlgorithm.SM2PKE ? Sm2Keys.Decrypt(privateKey, ciphertext) : RsaKeys.Decrypt(privateKey, ciphertext, OaepHash(algorithm)))
        ?? throw KmsErrors.InvalidCiphertext();

    private static HashAlgorithmName OaepHash(EncryptionAlgorithm algorithm) =>
        algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
}
