using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Trent.Crypto.Sealing;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Storage;

namespace Trent.Domain.Materials;

/// <summary>
/// Creates, seals and unseals key material. Unsealed material is kept in a bounded cache (by entry count,
/// with a sliding expiry) so that the hot path does not unseal on every request. Material versions are
/// immutable, so the cache never needs invalidating across nodes, except when a key is deleted.
/// </summary>
public sealed class KeyMaterialVault : IDisposable
{
    public const int SymmetricKeySize = 32;
    private readonly Sealer _sealer;
    private readonly IKeyStore _store;
    private readonly MemoryCache _cache;
    private readonly TimeSpan _idleExpiry;

    public KeyMaterialVault(Sealer sealer, IKeyStore store, int capacity, TimeSpan idleExpiry)
    {
        _sealer = sealer;
        _store = store;
        _idleExpiry = idleExpiry;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.1 });
    }

    public long CachedCount => _cache.Count;

    /// <summary>Makes new random symmetric material for a key, sealed and bound to the key ARN and version.</summary>
    public KeyMaterialRecord CreateSymmetricMaterial(KeyRecord key, uint version, DateTimeOffset now)
    {
        Span<byte> material = stackalloc byte[SymmetricKeySize];
        RandomNumberGenerator.Fill(material);
        try
        {
            var materialId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var sealedMaterial = _sealer.Seal(material, AssociatedData(key.Arn, version, materialId));
            Remember(key.KeyId, version, new UnsealedMaterial(material, materialId));
            return new KeyMaterialRecord(key.KeyId, version, materialId, sealedMaterial, now);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>Holds the unsealed material of a key version, loading and unsealing it on a cache miss.</summary>
    public async ValueTask<MaterialLease> AcquireAsync(KeyRecord key, uint version, CancellationToken cancellationToken)
    {
        var cacheKey = CacheKey(key.KeyId, version);
        while (true)
        {
            if (_cache.TryGetValue(cacheKey, out UnsealedMaterial? cached) && cached!.TryAcquire())
            {
                return new MaterialLease(cached, version);
            }

            var record = await _store.GetMaterialAsync(key.KeyId, version, cancellationToken).ConfigureAwait(false)
                ?? throw KmsErrors.InvalidCiphertext();
            var unsealed = Unseal(key, record);
            unsealed.TryAcquire(); // the lease's hold, besides the cache's
            Remember(key.KeyId, version, unsealed);
            return new MaterialLease(unsealed, version);
        }
    }

    /// <summary>Drops every cached version of a deleted key.</summary>
    public void Forget(string keyId, uint maxVersion)
    {
        for (uint v = 1; v <= maxVersion; v++)
        {
            _cache.Remove(CacheKey(keyId, v));
        }
    }

    public void Dispose() => _cache.Dispose();

    private UnsealedMaterial Unseal(KeyRecord key, KeyMaterialRecord record)
    {
        var length = Sealer.PlaintextLength(record.SealedMaterial);
        var buffer = GC.AllocateArray<byte>(length, pinned: true);
        try
        {
            _sealer.Unseal(record.SealedMaterial, AssociatedData(key.Arn, record.Version, record.KeyMaterialId), buffer);
            return new UnsealedMaterial(buffer, record.KeyMaterialId);
        }
        catch (CryptographicException)
        {
            // A row that does not unseal was tampered with or moved; never serve it.
            throw new KmsException(KmsErrorCode.KMSInternal, "Key material for this key could not be unsealed.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private void Remember(string keyId, uint version, UnsealedMaterial material)
    {
        var options = new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = _idleExpiry };
        options.RegisterPostEvictionCallback(static (_, value, _, _) => ((UnsealedMaterial)value!).Release());
        _cache.Set(CacheKey(keyId, version), material, options);
    }

    private static (string, uint) CacheKey(string keyId, uint version) => (keyId, version);

    private static byte[] AssociatedData(string keyArn, uint version, string materialId) =>
        Encoding.UTF8.GetBytes($"trent:key-material:v1\n{keyArn}\n{version}\n{materialId}");
}
