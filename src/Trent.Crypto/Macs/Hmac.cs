using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Trent.Crypto.Macs;

/// <summary>HMAC (RFC 2104) through .NET's OpenSSL-backed one-shot functions; verification in constant time.</summary>
public static class Hmac
{
    public static byte[] Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        var mac = new byte[Length(hash)];
        Compute(hash, key, message, mac);
        return mac;
    }

    public static bool Verify(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> mac)
    {
        Span<byte> expected = stackalloc byte[64];
        var length = Length(hash);
        Compute(hash, key, message, expected[..length]);
        return mac.Length == length && CryptographicOperations.FixedTimeEquals(expected[..length], mac);
    }

    private static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> mac)
    {
        if (hash == HashAlgorithmName.SHA256)
        {
            HMACSHA256.HashData(key, message, mac);
        }
        else if (hash == HashAlgorithmName.SHA384)
        {
            HMACSHA384.HashData(key, message, mac);
        }
        else if (hash == HashAlgorithmName.SHA512)
        {
            HMACSHA512.HashData(key, message, mac);
        }
        else
        {
            // .NET has no SHA-224, so HMAC_SHA_224 comes from BouncyCastle.
            var hmac = new HMac(new Sha224Digest());
            hmac.Init(new KeyParameter(key));
            hmac.BlockUpdate(message);
            hmac.DoFinal(mac);
        }
    }

    public static int Length(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : hash == HashAlgorithmName.SHA512 ? 64 : 28;
}
