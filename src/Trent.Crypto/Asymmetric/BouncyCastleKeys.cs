using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Trent.Crypto.Asymmetric;

/// <summary>PKCS#8 and SubjectPublicKeyInfo encoding for the key types that only BouncyCastle implements.</summary>
internal static class BouncyCastleKeys
{
    public static readonly SecureRandom Random = new();

    public static byte[] EncodePrivate(AsymmetricKeyParameter privateKey) =>
        PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetDerEncoded();

    public static byte[] EncodePublic(AsymmetricKeyParameter publicKey) =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded();

    public static AsymmetricKeyParameter DecodePrivate(ReadOnlySpan<byte> privateKey) =>
        PrivateKeyFactory.CreateKey(privateKey.ToArray());

    /// <summary>Null when the bytes are not a SubjectPublicKeyInfo BouncyCastle can read.</summary>
    public static AsymmetricKeyParameter? TryDecodePublic(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            return PublicKeyFactory.CreateKey(publicKey.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or SecurityUtilityException
            or FormatException or InvalidCastException)
        {
            return null;
        }
    }
}
