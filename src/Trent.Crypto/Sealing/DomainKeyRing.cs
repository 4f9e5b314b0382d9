using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Trent.Crypto.Sealing;

/// <summary>
/// The unwrapped domain keys: every version that may still seal a stored value, the current one that seals
/// new values, and the fingerprint key. Held in pinned memory and wiped when disposed.
/// </summary>
public sealed class DomainKeyRing : IDisposable
{
    public const int KeySize = 32;
    private readonly Dictionary<uint, byte[]> _keys = [];
    private readonly byte[] _fingerprintKey;
    private bool _disposed;

    /// <param name="keys">The domain keys by version (copied).</param>
    /// <param name="fingerprintKey">The key of <see cref="Sealer.Fingerprint"/> (copied); it never rotates, since fingerprints name stored material.</param>
    public DomainKeyRing(IEnumerable<KeyValuePair<uint, byte[]>> keys, ReadOnlySpan<byte> fingerprintKey)
    {
        foreach (var (version, key) in keys)
        {
            _keys[version] = Pinned(key);
            Current = Math.Max(Current, version);
        }

        if (_keys.Count == 0)
        {
            throw new ArgumentException("A key ring needs at least one domain key.", nameof(keys));
        }

        _fingerprintKey = Pinned(fingerprintKey);
    }

    /// <summary>The version that seals new values: the newest.</summary>
    public uint Current { get; }

    public IReadOnlyCollection<uint> Versions => _keys.Keys;

    internal bool TryGet(uint version, out ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_keys.TryGetValue(version, out var bytes))
        {
            key = bytes;
            return true;
        }

        key = default;
        return false;
    }

    internal ReadOnlySpan<byte> FingerprintKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _fingerprintKey;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        foreach (var key in _keys.Values)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(key.AsSpan()));
        }

        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_fingerprintKey.AsSpan()));
        _disposed = true;
    }

    private static byte[] Pinned(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new CryptographicException($"A domain key is {KeySize} bytes, not {key.Length}.");
        }

        var pinned = GC.AllocateArray<byte>(KeySize, pinned: true);
        key.CopyTo(pinned);
        return pinned;
    }
}
