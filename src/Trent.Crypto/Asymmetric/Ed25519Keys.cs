using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Trent.Crypto.Asymmetric;

/// <summary>
/// Ed25519 through BouncyCastle (.NET has none). ED25519_SHA_512 is pure Ed25519 over the message;
/// ED25519_PH_SHA_512 is HashEdDSA (Ed25519ph, RFC 8032 §5.1), which applies its own SHA-512 pre-hash to
/// the 64-byte digest the caller sends, as KMS documents.
/// </summary>
public static class Ed25519Keys
{
    /// <summary>
    /// RFC 8410's version-1 PrivateKeyInfo, without the optional public key BouncyCastle adds by default:
    /// OpenSSL 3.0 refuses the version-2 form, and a data key pair's private key must load anywhere.
    /// </summary>
    internal static byte[] Generate()
    {
        var key = new Ed25519PrivateKeyParameters(BouncyCastleKeys.Random);
        var raw = key.GetEncoded();
        try
        {
            return new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new DerOctetString(raw)).GetDerEncoded();
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
        }
    }

    internal static byte[] PublicKey(ReadOnlySpan<byte> privateKey) =>
        BouncyCastleKeys.EncodePublic(Decode(privateKey).GeneratePublicKey());

    internal static bool IsPrivateKey(ReadOnlySpan<byte> privateKey) =>
        BouncyCastleKeys.DecodePrivate(privateKey) is Ed25519PrivateKeyParameters;

    public static byte[] Sign(PrivateKeyHandle key, ReadOnlySpan<byte> message, bool preHashed)
    {
        var signer = Create(preHashed);
        signer.Init(true, key.BouncyCastle<Ed25519PrivateKeyParameters>());
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    public static bool Verify(PrivateKeyHandle key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, bool preHashed)
    {
        var signer = Create(preHashed);
        signer.Init(false, key.BouncyCastlePublic(static k => k.BouncyCastle<Ed25519PrivateKeyParameters>().GeneratePublicKey()));
        signer.BlockUpdate(message);
        return signer.VerifySignature(signature.ToArray());
    }

    private static ISigner Create(bool preHashed) => preHashed ? new Ed25519phSigner([]) : new Ed25519Signer();

    private static Ed25519PrivateKeyParameters Decode(ReadOnlySpan<byte> privateKey) =>
        (Ed25519PrivateKeyParameters)BouncyCastleKeys.DecodePrivate(privateKey);
}
