using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Trent.Crypto.Sealing;

/// <summary>The root key, held in pinned memory so that it can be wiped when disposed.</summary>
public sealed class RootKey : IDisposable
{
    public const int Size = 32;
    private readonly byte[] _key;
    private bool _disposed;

    public RootKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new CryptographicException($"The root key must be {Size} bytes, not {key.Length}.");
        }

        _key = GC.AllocateArray<byte>(Size, pinned: true);
        key.CopyTo(_key);
    }

    internal ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    /// <summary>A short, non-secret fingerprint that lets operators tell root keys apart.</summary>
    public string Fingerprint
    {
        get
        {
            Span<byte> hash = stackalloc byte[32];
            HMACSHA256.HashData(Bytes, "trent root key fingerprint"u8, hash);
            return Convert.ToHexStringLower(hash[..8]);
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_key.AsSpan()));
            _disposed = true;
        }
    }
}
