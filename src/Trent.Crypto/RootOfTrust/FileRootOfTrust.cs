using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Trent.Crypto.RootOfTrust;

/// <summary>
/// A root of trust held as 32 random bytes in a file (mode 0600). Fine for a laptop or CI; the file should live
/// apart from the data (every backup of a directory holding both holds everything needed to read it).
/// Wrapped layout: format (0x01) | IV (12) | ciphertext | tag (16), AES-256-GCM.
/// </summary>
public sealed class FileRootOfTrust : IRootOfTrust
{
    public const int KeySize = 32;
    private const byte WrapFormat = 0x01;
    private const int IvSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;
    private readonly string _path;
    private bool _disposed;

    private FileRootOfTrust(string path, ReadOnlySpan<byte> key)
    {
        _path = path;
        _key = GC.AllocateArray<byte>(KeySize, pinned: true);
        key.CopyTo(_key);
    }

    public string Description => $"file {_path}";

    /// <summary>Whether this open created the file (so that a failed start can remove it again).</summary>
    public bool Created { get; private init; }

    /// <summary>Reads the root key file, creating it only when <paramref name="mayCreate"/> (no sealed data exists yet).</summary>
    public static FileRootOfTrust Open(string path, bool mayCreate)
    {
        var created = false;
        if (!File.Exists(path))
        {
            if (!mayCreate)
            {
                throw new RootOfTrustUnavailableException(
                    $"The root key file {path} is missing, but the database holds values sealed under a root key; restore the file from its backup (a new one would not open them).");
            }

            Create(path);
            created = true;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RootOfTrustUnavailableException($"The root key file {path} cannot be read: {e.Message}", e);
        }

        try
        {
            if (bytes.Length != KeySize)
            {
                throw new RootOfTrustUnavailableException($"The root key file {path} holds {bytes.Length} bytes; a root key is {KeySize} bytes.");
            }

            return new FileRootOfTrust(path, bytes) { Created = created };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public byte[] Wrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData)
    {
        var wrapped = new byte[1 + IvSize + key.Length + TagSize];
        wrapped[0] = WrapFormat;
        var iv = wrapped.AsSpan(1, IvSize);
        RandomNumberGenerator.Fill(iv);
        using var aes = new AesGcm(Key, TagSize);
        aes.Encrypt(iv, key, wrapped.AsSpan(1 + IvSize, key.Length), wrapped.AsSpan(1 + IvSize + key.Length, TagSize), associatedData);
        return wrapped;
    }

    public void Unwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        if (wrapped.Length != 1 + IvSize + destination.Length + TagSize || wrapped[0] != WrapFormat)
        {
            throw new CryptographicException("The wrapped key is malformed.");
        }

        using var aes = new AesGcm(Key, TagSize);
        aes.Decrypt(wrapped.Slice(1, IvSize), wrapped.Slice(1 + IvSize, destination.Length), wrapped[^TagSize..], destination, associatedData);
    }

    /// <summary>
    /// Opens a value sealed directly under this key by Trent before the key hierarchy existed
    /// (format 0x01 | IV | ciphertext | tag), so that the one-time upgrade can re-seal it under a domain key.
    /// </summary>
    public void UnsealLegacy(ReadOnlySpan<byte> sealedBlob, ReadOnlySpan<byte> associatedData, Span<byte> destination) =>
        Unwrap(sealedBlob, associatedData, destination);

    /// <summary>The fingerprint key older versions derived from the root key: imported material keeps its key material ID.</summary>
    public byte[] LegacyFingerprintKey() =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Key.ToArray(), 32, info: "trent fingerprint v1"u8.ToArray());

    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_key.AsSpan()));
            _disposed = true;
        }
    }

    private ReadOnlySpan<byte> Key
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    private static void Create(string path)
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Span<byte> key = stackalloc byte[KeySize];
        RandomNumberGenerator.Fill(key);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
