using System.Security.Cryptography;

namespace Trent.Crypto.Sealing;

/// <summary>
/// Seals secrets for storage with AES-256-GCM under the root key. The caller supplies associated data
/// that names what the secret belongs to (a key ARN and version, an access key ID), so that a sealed
/// value copied onto another row fails to unseal.
/// Layout: version (1 byte, 0x01) | IV (12) | ciphertext | tag (16).
/// </summary>
public sealed class Sealer(RootKey rootKey)
{
    private readonly byte[] _fingerprintKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, rootKey.Bytes.ToArray(), 32, info: "trent fingerprint v1"u8.ToArray());

    private const byte FormatVersion = 0x01;
    private const int IvSize = 12;
    private const int TagSize = 16;
    public const int Overhead = 1 + IvSize + TagSize;

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedBlob = new byte[Overhead + plaintext.Length];
        sealedBlob[0] = FormatVersion;
        var iv = sealedBlob.AsSpan(1, IvSize);
        RandomNumberGenerator.Fill(iv);
        using var aes = new AesGcm(rootKey.Bytes, TagSize);
        aes.Encrypt(
            iv,
            plaintext,
            sealedBlob.AsSpan(1 + IvSize, plaintext.Length),
            sealedBlob.AsSpan(1 + IvSize + plaintext.Length, TagSize),
            associatedData);
        return sealedBlob;
    }

    /// <summary>Unseals into <paramref name="destination"/>, which must be exactly the plaintext length.</summary>
    /// <exception cref="CryptographicException">The blob is malformed, tampered with, or bound to other data.</exception>
    public void Unseal(ReadOnlySpan<byte> sealedBlob, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        if (sealedBlob.Length < Overhead || sealedBlob[0] != FormatVersion || destination.Length != PlaintextLength(sealedBlob))
        {
            throw new CryptographicException("The sealed value is malformed.");
        }

        using var aes = new AesGcm(rootKey.Bytes, TagSize);
        aes.Decrypt(
            sealedBlob.Slice(1, IvSize),
            sealedBlob.Slice(1 + IvSize, destination.Length),
            sealedBlob[^TagSize..],
            destination,
            associatedData);
    }

    /// <summary>
    /// A keyed digest (HMAC-SHA256 under a key derived from the root key) that recognises a secret without
    /// revealing anything about it, even to someone who can guess candidate secrets offline.
    /// </summary>
    public byte[] Fingerprint(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> context)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _fingerprintKey);
        hmac.AppendData(context);
        hmac.AppendData(secret);
        return hmac.GetHashAndReset();
    }

    public static int PlaintextLength(ReadOnlySpan<byte> sealedBlob) => Math.Max(0, sealedBlob.Length - Overhead);
}
