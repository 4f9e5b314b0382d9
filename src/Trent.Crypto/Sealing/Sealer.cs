using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Trent.Crypto.Sealing;

/// <summary>
/// Seals secrets for storage with AES-256-GCM under a domain key (which the root of trust wraps). The caller
/// supplies associated data that names what the secret belongs to (a key ARN and version, an access key's
/// principal), so that a sealed value copied onto another row fails to unseal. Each value names the domain
/// key version that sealed it, so domain keys can rotate while older values stay readable.
/// Layout: format (1 byte, 0x02) | domain key version (4, big-endian) | IV (12) | ciphertext | tag (16).
/// (Format 0x01, sealed directly under the root key, is only read by the one-time upgrade.)
/// </summary>
public sealed class Sealer(DomainKeyRing keys)
{
    public const byte FormatVersion = 0x02;
    private const int HeaderSize = 1 + 4;
    private const int IvSize = 12;
    private const int TagSize = 16;
    public const int Overhead = HeaderSize + IvSize + TagSize;

    /// <summary>The domain key version that seals new values.</summary>
    public uint CurrentVersion => keys.Current;

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var version = keys.CurrentKey(out var key);
        var sealedBlob = new byte[Overhead + plaintext.Length];
        sealedBlob[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(sealedBlob.AsSpan(1), version);
        var iv = sealedBlob.AsSpan(HeaderSize, IvSize);
        RandomNumberGenerator.Fill(iv);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(
            iv,
            plaintext,
            sealedBlob.AsSpan(HeaderSize + IvSize, plaintext.Length),
            sealedBlob.AsSpan(HeaderSize + IvSize + plaintext.Length, TagSize),
            associatedData);
        return sealedBlob;
    }

    /// <summary>Unseals into <paramref name="destination"/>, which must be exactly the plaintext length.</summary>
    /// <exception cref="CryptographicException">The blob is malformed, tampered with, bound to other data, or
    /// sealed under a domain key this ring lacks. (The version needs no binding: another key fails the tag.)</exception>
    public void Unseal(ReadOnlySpan<byte> sealedBlob, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        if (sealedBlob.Length < Overhead || sealedBlob[0] != FormatVersion || destination.Length != PlaintextLength(sealedBlob)
            || !keys.TryGet(BinaryPrimitives.ReadUInt32BigEndian(sealedBlob[1..]), out var key))
        {
            throw new CryptographicException("The sealed value is malformed.");
        }

        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(
            sealedBlob.Slice(HeaderSize, IvSize),
            sealedBlob.Slice(HeaderSize + IvSize, destination.Length),
            sealedBlob[^TagSize..],
            destination,
            associatedData);
    }

    /// <summary>The domain key version a sealed value names, or null for a value of another format (an older one).</summary>
    public static uint? SealedVersion(ReadOnlySpan<byte> sealedBlob) =>
        sealedBlob.Length >= Overhead && sealedBlob[0] == FormatVersion ? BinaryPrimitives.ReadUInt32BigEndian(sealedBlob[1..]) : null;

    /// <summary>
    /// A keyed digest (HMAC-SHA256 under the fingerprint key) that recognises a secret without revealing
    /// anything about it, even to someone who can guess candidate secrets offline.
    /// </summary>
    public byte[] Fingerprint(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> context)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.FingerprintKey);
        hmac.AppendData(context);
        hmac.AppendData(secret);
        return hmac.GetHashAndReset();
    }

    public static int PlaintextLength(ReadOnlySpan<byte> sealedBlob) => Math.Max(0, sealedBlob.Length - Overhead);
}
