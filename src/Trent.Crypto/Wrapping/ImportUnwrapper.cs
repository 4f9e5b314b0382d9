using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Trent.Crypto.Wrapping;

/// <summary>
/// Unwraps key material a customer wrapped under one of Trent's RSA wrapping keys, in the formats AWS KMS
/// defines for ImportKeyMaterial. RSA comes from .NET (OpenSSL); RFC 5649 from BouncyCastle.
/// </summary>
public static class ImportUnwrapper
{
    public static RSA CreateWrappingKey(int bits) => RSA.Create(bits);

    /// <summary>Returns the plaintext material; the caller must wipe it.</summary>
    /// <exception cref="CryptographicException">The ciphertext does not unwrap under this key and scheme.</exception>
    public static byte[] Unwrap(RSA wrappingKey, KeyWrapScheme scheme, ReadOnlySpan<byte> wrapped)
    {
        var padding = scheme is KeyWrapScheme.RsaOaepSha1 or KeyWrapScheme.RsaAesKeyWrapSha1
            ? RSAEncryptionPadding.OaepSHA1
            : RSAEncryptionPadding.OaepSHA256;
        var modulusBytes = wrappingKey.KeySize / 8;
        if (scheme is KeyWrapScheme.RsaOaepSha1 or KeyWrapScheme.RsaOaepSha256)
        {
            return wrappingKey.Decrypt(wrapped.ToArray(), padding);
        }

        if (wrapped.Length <= modulusBytes)
        {
            throw new CryptographicException("The wrapped material is too short for RSA-AES key wrapping.");
        }

        var aesKey = wrappingKey.Decrypt(wrapped[..modulusBytes].ToArray(), padding);
        try
        {
            if (aesKey.Length != 32)
            {
                throw new CryptographicException("The ephemeral key of RSA-AES key wrapping must be 256 bits.");
            }

            var engine = new AesWrapPadEngine();
            engine.Init(forWrapping: false, new KeyParameter(aesKey));
            var body = wrapped[modulusBytes..].ToArray();
            return engine.Unwrap(body, 0, body.Length);
        }
        catch (InvalidCipherTextException e)
        {
            throw new CryptographicException("The AES key wrap did not authenticate.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aesKey);
        }
    }
}
