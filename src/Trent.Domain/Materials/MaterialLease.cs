using System.Security.Cryptography;
using Trent.Crypto.Asymmetric;

namespace Trent.Domain.Materials;

/// <summary>
/// Unsealed key material in pinned memory, shared by the cache and the requests using it. The bytes are
/// wiped when the last holder lets go, so that eviction never zeroes a key mid-operation.
/// </summary>
public sealed class UnsealedMaterial
{
    private readonly byte[] _key;
    private int _holders = 1; // the creator's hold

    /// <param name="kind">For an asymmetric key, its kind: the material is then a PKCS#8 private key, parsed once here.</param>
    public UnsealedMaterial(ReadOnlySpan<byte> key, string keyMaterialId, DateTimeOffset? validTo, KeyPairKind? kind = null)
    {
        _key = GC.AllocateArray<byte>(key.Length, pinned: true);
        key.CopyTo(_key);
        KeyMaterialId = keyMaterialId;
        ValidTo = validTo;
        PrivateKey = kind is { } k ? new PrivateKeyHandle(k, _key) : null;
    }

    /// <summary>The parsed private key of asymmetric material; null for symmetric and HMAC material.</summary>
    internal PrivateKeyHandle? PrivateKey { get; }

    public string KeyMaterialId { get; }

    /// <summary>When imported material expires; it must not be used from then on.</summary>
    public DateTimeOffset? ValidTo { get; }

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>Takes another hold; false if the material has already been wiped.</summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            var holders = Volatile.Read(ref _holders);
            if (holders == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _holders, holders + 1, holders) == holders)
            {
                return true;
            }
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0)
        {
            PrivateKey?.Dispose();
            CryptographicOperations.ZeroMemory(_key);
        }
    }
}

/// <summary>A request's hold on unsealed material; dispose it as soon as the cryptographic call is done.</summary>
public readonly struct MaterialLease(UnsealedMaterial material, uint version) : IDisposable
{
    public ReadOnlySpan<byte> Key => material.Key;

    /// <summary>The parsed private key of an asymmetric key's material.</summary>
    public PrivateKeyHandle PrivateKey => material.PrivateKey ?? throw new InvalidOperationException("This material is not an asymmetric private key.");

    public uint Version { get; } = version;

    public string KeyMaterialId => material.KeyMaterialId;

    public void Dispose() => material.Release();
}
