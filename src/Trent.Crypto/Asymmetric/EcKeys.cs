using System.Security.Cryptography;

namespace Trent.Crypto.Asymmetric;

/// <summary>
/// ECDSA and ECDH on the NIST curves and secp256k1 through .NET's OpenSSL-backed types. Signatures are DER
/// <c>SEQUENCE { r, s }</c> (RFC 3279), as KMS returns them; shared secrets are the raw x-coordinate.
/// </summary>
public static class EcKeys
{
    internal static byte[] Generate(KeyPairKind kind)
    {
        using var ecdsa = ECDsa.Create(Curve(kind));
        return ecdsa.ExportPkcs8PrivateKey();
    }

    internal static byte[] PublicKey(ReadOnlySpan<byte> privateKey)
    {
        using var ecdsa = Import(privateKey);
        return ecdsa.ExportSubjectPublicKeyInfo();
    }

    internal static bool IsPrivateKey(KeyPairKind kind, ReadOnlySpan<byte> privateKey)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(privateKey, out var read);
        var curve = ecdsa.ExportParameters(false).Curve;
        return read == privateKey.Length && curve.IsNamed && curve.Oid.Value == Curve(kind).Oid.Value;
    }

    public static byte[] Sign(PrivateKeyHandle key, ReadOnlySpan<byte> message, bool isDigest, HashAlgorithmName hash)
    {
        using var ecdsa = key.RentEcdsa();
        return isDigest
            ? ecdsa.Key.SignHash(message, DSASignatureFormat.Rfc3279DerSequence)
            : ecdsa.Key.SignData(message, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    public static bool Verify(PrivateKeyHandle key, ReadOnlySpan<byte> message, bool isDigest, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        using var ecdsa = key.RentEcdsa();
        try
        {
            return isDigest
                ? ecdsa.Key.VerifyHash(message, signature, DSASignatureFormat.Rfc3279DerSequence)
                : ecdsa.Key.VerifyData(message, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false; // not a DER signature at all
        }
    }

    /// <summary>ECDH with a peer's SubjectPublicKeyInfo; null when it is not a valid point on this key's curve.</summary>
    public static byte[]? DeriveSharedSecret(PrivateKeyHandle key, ReadOnlySpan<byte> peerPublicKey)
    {
        using var ours = key.RentEcdh();
        using var peer = ECDiffieHellman.Create();
        try
        {
            peer.ImportSubjectPublicKeyInfo(peerPublicKey, out var read);
            if (read != peerPublicKey.Length || peer.ExportParameters(false).Curve.Oid.Value != Curve(key.Kind).Oid.Value)
            {
                return null;
            }

            return ours.Key.DeriveRawSecretAgreement(peer.PublicKey);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    internal static ECCurve Curve(KeyPairKind kind) => kind switch
    {
        KeyPairKind.NistP256 => ECCurve.NamedCurves.nistP256,
        KeyPairKind.NistP384 => ECCurve.NamedCurves.nistP384,
        KeyPairKind.NistP521 => ECCurve.NamedCurves.nistP521,
        KeyPairKind.Secp256k1 => ECCurve.CreateFromValue("1.3.132.0.10"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static ECDsa Import(ReadOnlySpan<byte> privateKey)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(privateKey, out _);
        return ecdsa;
    }
}
