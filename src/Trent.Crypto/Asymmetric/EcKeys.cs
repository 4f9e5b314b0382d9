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

    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, bool isDigest, HashAlgorithmName hash)
    {
        using var ecdsa = Import(privateKey);
        return isDigest
            ? ecdsa.SignHash(message, DSASignatureFormat.Rfc3279DerSequence)
            : ecdsa.SignData(message, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    public static bool Verify(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, bool isDigest, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        using var ecdsa = Import(privateKey);
        try
        {
            return isDigest
                ? ecdsa.VerifyHash(message, signature, DSASignatureFormat.Rfc3279DerSequence)
                : ecdsa.VerifyData(message, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false; // not a DER signature at all
        }
    }

    /// <summary>ECDH with a peer's SubjectPublicKeyInfo; null when it is not a valid point on this key's curve.</summary>
    public static byte[]? DeriveSharedSecret(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey)
    {
        using var ours = ECDiffieHellman.Create();
        ours.ImportPkcs8PrivateKey(privateKey, out _);
        using var peer = ECDiffieHellman.Create();
        try
        {
            peer.ImportSubjectPublicKeyInfo(peerPublicKey, out var read);
            var ourCurve = ours.ExportParameters(false).Curve;
            var peerCurve = peer.ExportParameters(false).Curve;
            if (read != peerPublicKey.Length || peerCurve.Oid.Value != ourCurve.Oid.Value)
            {
                return null;
            }

            return ours.DeriveRawSecretAgreement(peer.PublicKey);
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
