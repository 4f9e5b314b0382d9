using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Trent.Crypto.Ciphertext;

/// <summary>
/// The self-describing symmetric ciphertext blob (see docs/ciphertext-format.md).
/// Layout: format (1 byte, 0x01) | key reference (17: kind + 16 ID bytes) | material version (u32 BE)
/// | IV (12) | ciphertext | tag (16). The whole header and the canonical encryption context are the
/// AES-256-GCM associated data, so changing any byte, the context or the key makes decryption fail.
/// </summary>
public static class SymmetricCiphertext
{
    public const byte FormatVersion = 0x01;
    public const int KeyReferenceSize = 17;
    public const int KeySize = 32;
    private const int IvSize = 12;
    private const int TagSize = 16;
    private const int KeyReferenceOffset = 1;
    private const int VersionOffset = KeyReferenceOffset + KeyReferenceSize;
    private const int IvOffset = VersionOffset + 4;
    public const int HeaderSize = IvOffset + IvSize;
    public const int Overhead = HeaderSize + TagSize;

    public static byte[] Encrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> keyReference,
        uint materialVersion,
        ReadOnlySpan<byte> plaintext,
        IReadOnlyDictionary<string, string>? encryptionContext)
    {
        if (keyReference.Length != KeyReferenceSize)
        {
            throw new ArgumentException($"A key reference is {KeyReferenceSize} bytes.", nameof(keyReference));
        }

        var blob = new byte[Overhead + plaintext.Length];
        blob[0] = FormatVersion;
        keyReference.CopyTo(blob.AsSpan(KeyReferenceOffset));
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(VersionOffset), materialVersion);
        RandomNumberGenerator.Fill(blob.AsSpan(IvOffset, IvSize));

        var aad = RentAssociatedData(blob.AsSpan(0, HeaderSize), encryptionContext, out var aadLength);
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(
                blob.AsSpan(IvOffset, IvSize),
                plaintext,
                blob.AsSpan(HeaderSize, plaintext.Length),
                blob.AsSpan(HeaderSize + plaintext.Length, TagSize),
                aad.AsSpan(0, aadLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(aad);
        }

        return blob;
    }

    /// <summary>Reads the header without authenticating it; decryption authenticates it later.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> blob, out CiphertextHeader header)
    {
        header = default;
        if (blob.Length < Overhead || blob[0] != FormatVersion)
        {
            return false;
        }

        header = new CiphertextHeader(
            blob.Slice(KeyReferenceOffset, KeyReferenceSize).ToArray(),
            BinaryPrimitives.ReadUInt32BigEndian(blob[VersionOffset..]));
        return true;
    }

    /// <summary>Decrypts a blob whose header was read with <see cref="TryReadHeader"/>.</summary>
    /// <returns>false when the blob, the key or the encryption context does not authenticate.</returns>
    public static bool TryDecrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> blob,
        IReadOnlyDictionary<string, string>? encryptionContext,
        out byte[] plaintext)
    {
        plaintext = [];
        if (blob.Length < Overhead || blob[0] != FormatVersion)
        {
            return false;
        }

        var length = blob.Length - Overhead;
        var output = new byte[length];
        var aad = RentAssociatedData(blob[..HeaderSize], encryptionContext, out var aadLength);
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                blob.Slice(IvOffset, IvSize),
                blob.Slice(HeaderSize, length),
                blob.Slice(HeaderSize + length, TagSize),
                output,
                aad.AsSpan(0, aadLength));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(aad);
        }

        plaintext = output;
        return true;
    }

    private static byte[] RentAssociatedData(
        ReadOnlySpan<byte> header,
        IReadOnlyDictionary<string, string>? encryptionContext,
        out int length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(header.Length + EncryptionContextEncoding.GetByteCount(encryptionContext));
        header.CopyTo(buffer);
        length = header.Length + EncryptionContextEncoding.Write(encryptionContext, buffer.AsSpan(header.Length));
        return buffer;
    }
}
/// <summary>The unauthenticated header of a symmetric ciphertext: which key and material made it.</summary>
public readonly record struct CiphertextHeader(byte[] KeyReference, uint MaterialVersion);
