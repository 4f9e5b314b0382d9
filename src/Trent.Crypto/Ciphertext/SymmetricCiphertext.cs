using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Trent.Crypto.Ciphertext;

/// <summary>
/// The self-describing symmetric ciphertext blob (see docs/ciphertext-format.md). Version 2, which Encrypt
/// writes: format (0x02) | key reference (17: kind + 16 ID bytes) | material version (u32 BE) | backend (1)
/// | derivation nonce (32) | IV (12) | ciphertext | tag (16). Each blob is sealed under its own AES-256-GCM
/// key, derived from the material version and the random nonce with NIST SP 800-108 (HMAC-SHA256, counter
/// mode), so no key ever nears GCM's 2^32 random-IV bound. Version 1 (format 0x01, no backend or nonce,
/// the material used directly) still decrypts. The header and the canonical encryption context are the
/// associated data, so changing any byte, the context or the key makes decryption fail.
/// </summary>
public static class SymmetricCiphertext
{
    public const byte FormatVersion = 0x02;
    public const byte FormatVersion1 = 0x01;

    /// <summary>The key backend byte of blobs sealed with software material.</summary>
    public const byte SoftwareBackend = 0x00;

    /// <summary>The key backend byte of blobs sealed inside a PKCS#11 token (AWS_CLOUDHSM custom key stores).</summary>
    public const byte Pkcs11Backend = 0x01;

    public const int KeyReferenceSize = 17;
    public const int KeySize = 32;
    public const int NonceSize = 32;
    internal const int IvSize = 12;
    internal const int TagSize = 16;
    private const int KeyReferenceOffset = 1;
    private const int VersionOffset = KeyReferenceOffset + KeyReferenceSize;
    private const int BackendOffset = VersionOffset + 4;
    private const int NonceOffset = BackendOffset + 1;
    internal const int IvOffset = NonceOffset + NonceSize;
    public const int HeaderSize = IvOffset + IvSize;
    public const int Overhead = HeaderSize + TagSize;

    private const int Version1IvOffset = VersionOffset + 4;
    private const int Version1HeaderSize = Version1IvOffset + IvSize;
    private const int Version1Overhead = Version1HeaderSize + TagSize;

    /// <summary>The SP 800-108 label: names the purpose, so the material derives nothing else under it.</summary>
    private static ReadOnlySpan<byte> KdfLabel => "trent symmetric ciphertext v2"u8;

    public static byte[] Encrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> keyReference,
        uint materialVersion,
        ReadOnlySpan<byte> plaintext,
        IReadOnlyDictionary<string, string>? encryptionContext)
    {
        Span<byte> randomness = stackalloc byte[NonceSize + IvSize];
        RandomNumberGenerator.Fill(randomness);
        return Encrypt(key, keyReference, materialVersion, plaintext, encryptionContext, randomness[..NonceSize], randomness[NonceSize..]);
    }

    /// <summary>Encrypts with the given nonce and IV: internal, for the documented test vectors only, so that no
    /// caller can choose (and repeat) them.</summary>
    internal static byte[] Encrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> keyReference,
        uint materialVersion,
        ReadOnlySpan<byte> plaintext,
        IReadOnlyDictionary<string, string>? encryptionContext,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> iv)
    {
        if (nonce.Length != NonceSize || iv.Length != IvSize)
        {
            throw new ArgumentException($"The nonce is {NonceSize} bytes and the IV {IvSize}.");
        }

        var blob = NewBlob(keyReference, materialVersion, SoftwareBackend, plaintext.Length, nonce, iv);
        Span<byte> derived = stackalloc byte[KeySize];
        var aad = RentAssociatedData(blob.AsSpan(0, HeaderSize), encryptionContext, out var aadLength);
        try
        {
            DeriveKey(key, blob.AsSpan(0, IvOffset), derived);
            using var aes = new AesGcm(derived, TagSize);
            aes.Encrypt(
                blob.AsSpan(IvOffset, IvSize),
                plaintext,
                blob.AsSpan(HeaderSize, plaintext.Length),
                blob.AsSpan(HeaderSize + plaintext.Length, TagSize),
                aad.AsSpan(0, aadLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
            ArrayPool<byte>.Shared.Return(aad);
        }

        return blob;
    }

    /// <summary>Reads the header of either version without authenticating it; decryption authenticates it later.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> blob, out CiphertextHeader header)
    {
        header = default;
        if (!IsWellFormed(blob))
        {
            return false;
        }

        header = new CiphertextHeader(
            blob.Slice(KeyReferenceOffset, KeyReferenceSize).ToArray(),
            BinaryPrimitives.ReadUInt32BigEndian(blob[VersionOffset..]),
            blob[0] == FormatVersion ? blob[BackendOffset] : SoftwareBackend);
        return true;
    }

    /// <summary>Decrypts a blob (either version) whose header was read with <see cref="TryReadHeader"/>.</summary>
    /// <returns>false when the blob, the key or the encryption context does not authenticate.</returns>
    public static bool TryDecrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> blob,
        IReadOnlyDictionary<string, string>? encryptionContext,
        out byte[] plaintext)
    {
        plaintext = [];
        if (!IsWellFormed(blob))
        {
            return false;
        }

        var version2 = blob[0] == FormatVersion;
        if (version2 && blob[BackendOffset] != SoftwareBackend)
        {
            return false; // made by another backend: this material never opens it
        }

        var headerSize = version2 ? HeaderSize : Version1HeaderSize;
        var ivOffset = version2 ? IvOffset : Version1IvOffset;
        var length = blob.Length - headerSize - TagSize;
        var output = new byte[length];
        Span<byte> derived = stackalloc byte[KeySize];
        var aad = RentAssociatedData(blob[..headerSize], encryptionContext, out var aadLength);
        try
        {
            if (version2)
            {
                DeriveKey(key, blob[..IvOffset], derived);
            }

            using var aes = new AesGcm(version2 ? derived : key, TagSize);
            aes.Decrypt(
                blob.Slice(ivOffset, IvSize),
                blob.Slice(headerSize, length),
                blob.Slice(headerSize + length, TagSize),
                output,
                aad.AsSpan(0, aadLength));
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(output);
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
            ArrayPool<byte>.Shared.Return(aad);
        }

        plaintext = output;
        return true;
    }

    /// <summary>A version 2 blob with its header written (random nonce and IV) and room for the ciphertext and tag;
    /// a backend that seals elsewhere (a token) fills in the rest.</summary>
    internal static byte[] NewBlob(ReadOnlySpan<byte> keyReference, uint materialVersion, byte backend, int plaintextLength)
    {
        Span<byte> randomness = stackalloc byte[NonceSize + IvSize];
        RandomNumberGenerator.Fill(randomness);
        return NewBlob(keyReference, materialVersion, backend, plaintextLength, randomness[..NonceSize], randomness[NonceSize..]);
    }

    private static byte[] NewBlob(
        ReadOnlySpan<byte> keyReference, uint materialVersion, byte backend, int plaintextLength, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> iv)
    {
        if (keyReference.Length != KeyReferenceSize)
        {
            throw new ArgumentException($"A key reference is {KeyReferenceSize} bytes.", nameof(keyReference));
        }

        var blob = new byte[Overhead + plaintextLength];
        blob[0] = FormatVersion;
        keyReference.CopyTo(blob.AsSpan(KeyReferenceOffset));
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(VersionOffset), materialVersion);
        blob[BackendOffset] = backend;
        nonce.CopyTo(blob.AsSpan(NonceOffset));
        iv.CopyTo(blob.AsSpan(IvOffset));
        return blob;
    }

    /// <summary>Whether a blob is version 2 from <paramref name="backend"/>, long enough to hold a header and tag.</summary>
    internal static bool IsVersion2From(ReadOnlySpan<byte> blob, byte backend) =>
        blob.Length >= Overhead && blob[0] == FormatVersion && blob[BackendOffset] == backend;

    /// <summary>The associated data of a version 2 blob (header and canonical context), as an exact array for APIs that take one.</summary>
    internal static byte[] AssociatedData(ReadOnlySpan<byte> blob, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        var aad = RentAssociatedData(blob[..HeaderSize], encryptionContext, out var length);
        try
        {
            return aad.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(aad);
        }
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> blob) =>
        blob.Length > 0 && blob[0] switch
        {
            FormatVersion => blob.Length >= Overhead,
            FormatVersion1 => blob.Length >= Version1Overhead,
            _ => false,
        };

    /// <summary>The blob's own key: SP 800-108 counter-mode KDF with HMAC-SHA256 over the material, whose
    /// context is the header up to the IV (format, key, material version, backend, nonce).</summary>
    private static void DeriveKey(ReadOnlySpan<byte> material, ReadOnlySpan<byte> context, Span<byte> destination) =>
        SP800108HmacCounterKdf.DeriveBytes(material, HashAlgorithmName.SHA256, KdfLabel, context, destination);

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

/// <summary>The unauthenticated header of a symmetric ciphertext: which key and material made it, and which backend
/// (<see cref="SymmetricCiphertext.SoftwareBackend"/> for version 1).</summary>
public readonly record struct CiphertextHeader(byte[] KeyReference, uint MaterialVersion, byte Backend);
