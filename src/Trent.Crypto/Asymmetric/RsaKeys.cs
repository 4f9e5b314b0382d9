using System.Security.Cryptography;

namespace Trent.Crypto.Asymmetric;

/// <summary>RSA through .NET's OpenSSL-backed <see cref="RSA"/>: PKCS#1 v1.5 and PSS signatures, OAEP encryption.</summary>
public static class RsaKeys
{
    public static int ModulusBits(KeyPairKind kind) => kind switch
    {
        KeyPairKind.Rsa2048 => 2048,
        KeyPairKind.Rsa3072 => 3072,
        KeyPairKind.Rsa4096 => 4096,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The longest plaintext OAEP can encrypt: modulus bytes − 2·hash length − 2 (RFC 8017 §7.1.1).</summary>
    public static int MaxOaepPlaintext(int modulusBits, HashAlgorithmName hash) =>
        (modulusBits / 8) - (2 * HashLength(hash)) - 2;

    internal static byte[] Generate(int bits)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportPkcs8PrivateKey();
    }

    internal static byte[] PublicKey(ReadOnlySpan<byte> privateKey)
    {
        using var rsa = Import(privateKey);
        return rsa.ExportSubjectPublicKeyInfo();
    }

    internal static bool IsPrivateKey(ReadOnlySpan<byte> privateKey, int bits)
    {
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(privateKey, out var read);
        return read == privateKey.Length && rsa.KeySize == bits;
    }

    /// <summary>Signs a message, or (with <paramref name="isDigest"/>) a digest the caller already computed.</summary>
    public static byte[] Sign(PrivateKeyHandle key, ReadOnlySpan<byte> message, bool isDigest, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        using var rsa = key.RentRsa();
        return isDigest ? rsa.Key.SignHash(message, hash, padding) : rsa.Key.SignData(message, hash, padding);
    }

    public static bool Verify(
        PrivateKeyHandle key, ReadOnlySpan<byte> message, bool isDigest, ReadOnlySpan<byte> signature, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        using var rsa = key.RentRsa();
        return isDigest ? rsa.Key.VerifyHash(message, signature, hash, padding) : rsa.Key.VerifyData(message, signature, hash, padding);
    }

    public static byte[] Encrypt(PrivateKeyHandle key, ReadOnlySpan<byte> plaintext, HashAlgorithmName oaepHash)
    {
        using var rsa = key.RentRsa();
        return rsa.Key.Encrypt(plaintext, RSAEncryptionPadding.CreateOaep(oaepHash));
    }

    /// <summary>Null when the ciphertext does not decrypt under this key and padding.</summary>
    public static byte[]? Decrypt(PrivateKeyHandle key, ReadOnlySpan<byte> ciphertext, HashAlgorithmName oaepHash)
    {
        using var rsa = key.RentRsa();
        if (ciphertext.Length != rsa.Key.KeySize / 8)
        {
            return null;
        }

        try
        {
            return rsa.Key.Decrypt(ciphertext, RSAEncryptionPadding.CreateOaep(oaepHash));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static RSA Import(ReadOnlySpan<byte> privateKey)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(privateKey, out _);
        return rsa;
    }

    private static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA1 ? 20
        : hash == HashAlgorithmName.SHA256 ? 32
        : hash == HashAlgorithmName.SHA384 ? 48
        : 64;
}
