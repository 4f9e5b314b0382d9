using System.Security.Cryptography;

namespace Trent.Crypto.Asymmetric;

/// <summary>
/// Making key pairs and reading them back. A private key always travels as DER PKCS#8 (RFC 5958) and a
/// public key as DER SubjectPublicKeyInfo, which is what KMS returns and what OpenSSL reads.
/// </summary>
public static class KeyPairs
{
    /// <summary>A new private key as PKCS#8; the caller wipes the array when done.</summary>
    public static byte[] Generate(KeyPairKind kind) => kind switch
    {
        KeyPairKind.Rsa2048 or KeyPairKind.Rsa3072 or KeyPairKind.Rsa4096 => RsaKeys.Generate(RsaKeys.ModulusBits(kind)),
        KeyPairKind.NistP256 or KeyPairKind.NistP384 or KeyPairKind.NistP521 or KeyPairKind.Secp256k1 => EcKeys.Generate(kind),
        KeyPairKind.Ed25519 => Ed25519Keys.Generate(),
        KeyPairKind.MlDsa44 or KeyPairKind.MlDsa65 or KeyPairKind.MlDsa87 => MlDsaKeys.Generate(kind),
        KeyPairKind.Sm2 => Sm2Keys.Generate(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The SubjectPublicKeyInfo of a PKCS#8 private key of the given kind.</summary>
    public static byte[] PublicKey(KeyPairKind kind, ReadOnlySpan<byte> privateKey) => kind switch
    {
        KeyPairKind.Rsa2048 or KeyPairKind.Rsa3072 or KeyPairKind.Rsa4096 => RsaKeys.PublicKey(privateKey),
        KeyPairKind.NistP256 or KeyPairKind.NistP384 or KeyPairKind.NistP521 or KeyPairKind.Secp256k1 => EcKeys.PublicKey(privateKey),
        KeyPairKind.Ed25519 => Ed25519Keys.PublicKey(privateKey),
        KeyPairKind.MlDsa44 or KeyPairKind.MlDsa65 or KeyPairKind.MlDsa87 => MlDsaKeys.PublicKey(kind, privateKey),
        KeyPairKind.Sm2 => Sm2Keys.PublicKey(privateKey),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Whether <paramref name="privateKey"/> is a well-formed PKCS#8 key of exactly <paramref name="kind"/>:
    /// imported material must match the key spec it is imported into.
    /// </summary>
    public static bool IsPrivateKeyOf(KeyPairKind kind, ReadOnlySpan<byte> privateKey)
    {
        try
        {
            return kind switch
            {
                KeyPairKind.Rsa2048 or KeyPairKind.Rsa3072 or KeyPairKind.Rsa4096 => RsaKeys.IsPrivateKey(privateKey, RsaKeys.ModulusBits(kind)),
                KeyPairKind.NistP256 or KeyPairKind.NistP384 or KeyPairKind.NistP521 or KeyPairKind.Secp256k1 => EcKeys.IsPrivateKey(kind, privateKey),
                KeyPairKind.Ed25519 => Ed25519Keys.IsPrivateKey(privateKey),
                KeyPairKind.MlDsa44 or KeyPairKind.MlDsa65 or KeyPairKind.MlDsa87 => MlDsaKeys.IsPrivateKey(kind, privateKey),
                KeyPairKind.Sm2 => Sm2Keys.IsPrivateKey(privateKey),
                _ => false,
            };
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
