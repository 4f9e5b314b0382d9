using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Trent.Crypto.Sealing;

/// <summary>
/// The unwrapped domain keys: every version that may still seal a stored value, the current one that seals
/// new values, and the fingerprint key. Held in pinned memory and wiped when disposed.
/// A running node learns of a rotation by <see cref="Add"/> and <see cref="Activate"/>; readers see an immutable
/// snapshot swapped in whole, so the request path takes no lock. Versions are never removed while running: a
/// value (or a session token) sealed under an old version stays readable.
/// </summary>
public sealed class DomainKeyRing : IDisposable
{
    public const int KeySize = 32;
    private readonly byte[] _fingerprintKey;
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;
    private bool _disposed;

    /// <param name="keys">The domain keys by version (copied).</param>
    /// <param name="fingerprintKey">The key of <see cref="Sealer.Fingerprint"/> (copied); it never rotates, since fingerprints name stored material.</param>
    /// <param name="current">The version that seals new values; the newest when null.</param>
    public DomainKeyRing(IEnumerable<KeyValuePair<uint, byte[]>> keys, ReadOnlySpan<byte> fingerprintKey, uint? current = null)
    {
        var pinned = keys.ToDictionary(k => k.Key, k => Pinned(k.Value));
        if (pinned.Count == 0)
        {
            throw new ArgumentException("A key ring needs at least one domain key.", nameof(keys));
        }

        var chosen = current ?? pinned.Keys.Max();
        if (!pinned.ContainsKey(chosen))
        {
            throw new ArgumentException($"The current domain key version {chosen} is not in the ring.", nameof(current));
        }

        _snapshot = new Snapshot(pinned.ToFrozenDictionary(), chosen);
        _fingerprintKey = Pinned(fingerprintKey);
    }

    /// <summary>The version that seals new values.</summary>
    public uint Current => _snapshot.Current;

    public IReadOnlyCollection<uint> Versions => _snapshot.Keys.Keys;

    /// <summary>Adds a version (copied) that was not in the ring; a version already there is left as it is.</summary>
    public void Add(uint version, ReadOnlySpan<byte> key)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var snapshot = _snapshot;
            if (snapshot.Keys.ContainsKey(version))
            {
                return;
            }

            var keys = new Dictionary<uint, byte[]>(snapshot.Keys) { [version] = Pinned(key) };
            _snapshot = snapshot with { Keys = keys.ToFrozenDictionary() };
        }
    }

    /// <summary>Makes a version in the ring the one that seals new values.</summary>
    public void Activate(uint version)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var snapshot = _snapshot;
            if (!snapshot.Keys.ContainsKey(version))
            {
                throw new ArgumentException($"Domain key version {version} is not in the ring.", nameof(version));
            }

            _snapshot = snapshot with { Current = version };
        }
    }

    internal bool TryGet(uint version, out ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_snapshot.Keys.TryGetValue(version, out var bytes))
        {
            key = bytes;
            return true;
        }

        key = default;
        return false;
    }

    /// <summary>The current version and its key, read from one snapshot (so a concurrent activation cannot split them).</summary>
    internal uint CurrentKey(out ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var snapshot = _snapshot;
        key = snapshot.Keys[snapshot.Current];
        return snapshot.Current;
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
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var key in _snapshot.Keys.Values)
            {
                CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(key.AsSpan()));
            }

            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_fingerprintKey.AsSpan()));
            _disposed = true;
        }
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

    private sealed record Snapshot(FrozenDictionary<uint, byte[]> Keys, uint Current);
}
