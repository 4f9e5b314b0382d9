using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Trent.Crypto.Asymmetric;
using Trent.Crypto.Sealing;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Storage;

namespace Trent.Domain.Materials;

/// <summary>
/// Creates, seals and unseals key material. Unsealed material is kept in a bounded cache (by entry count,
/// with a sliding expiry) so that the hot path does not unseal on every request. Entries are keyed by the
/// key's materials revision, which every material change bumps, so a node never serves material that
/// another node has deleted: the key row it reads per request names the new revision.
/// </summary>
public sealed class KeyMaterialVault : IDisposable
{
    private readonly Sealer _sealer;
    private readonly IKeyStore _store;
    private readonly TimeProvider _clock;
    private readonly MemoryCache _cache;
    private readonly TimeSpan _idleExpiry;

    public KeyMaterialVault(Sealer sealer, IKeyStore store, TimeProvider clock, int capacity, TimeSpan idleExpiry)
    {
        _sealer = sealer;
        _store = store;
        _clock = clock;
        _idleExpiry = idleExpiry;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.1 });
    }

    private long _hits;
    private long _misses;

    public long CachedCount => _cache.Count;

    public long CacheHits => Interlocked.Read(ref _hits);

    public long CacheMisses => Interlocked.Read(ref _misses);

    /// <summary>
    /// Makes new material for a key version (an AES key, an HMAC key or a PKCS#8 private key, as the key spec
    /// says), sealed and bound to the key ARN and version.
    /// </summary>
    public KeyMaterialRecord CreateMaterial(
        KeyRecord key, uint version, KeyMaterialState state, RotationType? rotationType, DateTimeOffset now)
    {
        var material = GeneratedMaterial.Create(key.KeySpec);
        try
        {
            var materialId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            return new KeyMaterialRecord
            {
                KeyId = key.KeyId,
                Version = version,
                KeyMaterialId = materialId,
                SealedMaterial = _sealer.Seal(material, AssociatedData(MaterialOwner(key), version, materialId)),
                CreatedAt = now,
                State = state,
                RotationDate = rotationType is null ? null : now,
                RotationType = rotationType,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>The ID imported material gets: a keyed digest, so the same material always has the same ID.</summary>
    public (string KeyMaterialId, byte[] Fingerprint) IdentifyImported(KeyRecord key, ReadOnlySpan<byte> material)
    {
        var fingerprint = _sealer.Fingerprint(material, Encoding.UTF8.GetBytes("trent:imported-material:v1\n" + key.KeyId));
        return (Convert.ToHexStringLower(fingerprint), fingerprint);
    }

    public byte[] SealImported(KeyRecord key, uint version, string materialId, ReadOnlySpan<byte> material) =>
        _sealer.Seal(material, AssociatedData(MaterialOwner(key), version, materialId));

    /// <summary>Holds the unsealed material of a key version, loading and unsealing it on a cache miss.</summary>
    public async ValueTask<MaterialLease> AcquireAsync(KeyRecord key, uint version, CancellationToken cancellationToken)
    {
        var cacheKey = (key.KeyId, version, key.MaterialsRevision);
        while (true)
        {
            if (_cache.TryGetValue(cacheKey, out UnsealedMaterial? cached) && cached!.TryAcquire())
            {
                if (cached.ValidTo is { } validTo && _clock.GetUtcNow() >= validTo)
                {
                    cached.Release();
                    throw KmsErrors.PendingImport(key.Arn);
                }

                Interlocked.Increment(ref _hits);
                return new MaterialLease(cached, version);
            }

            Interlocked.Increment(ref _misses);

            var record = PrefetchedMaterial.Find(key, version)
                ?? await _store.GetMaterialAsync(key.KeyId, version, cancellationToken).ConfigureAwait(false)
                ?? throw KmsErrors.InvalidCiphertext();
            if (record.SealedMaterial is null || (record.ValidTo is { } expiry && _clock.GetUtcNow() >= expiry))
            {
                throw KmsErrors.PendingImport(key.Arn);
            }

            var unsealed = Unseal(key, record);
            unsealed.TryAcquire(); // the lease's hold, besides the cache's
            Remember(cacheKey, unsealed);
            return new MaterialLease(unsealed, version);
        }
    }

    /// <summary>Drops every cached version of a deleted key at once, rather than waiting for them to idle out.</summary>
    public void Forget(KeyRecord key)
    {
        for (uint v = 1; v <= key.CurrentMaterialVersion + 1; v++)
        {
            _cache.Remove((key.KeyId, v, key.MaterialsRevision));
        }
    }

    /// <summary>Drops every cached version (a development reset removed every key); each is wiped once its leases end.</summary>
    public void Clear() => _cache.Clear();

    public void Dispose() => _cache.Dispose();

    private UnsealedMaterial Unseal(KeyRecord key, KeyMaterialRecord record)
    {
        var length = Sealer.PlaintextLength(record.SealedMaterial!);
        var buffer = GC.AllocateArray<byte>(length, pinned: true);
        try
        {
            _sealer.Unseal(record.SealedMaterial!, AssociatedData(MaterialOwner(key), record.Version, record.KeyMaterialId), buffer);
            var kind = KeySpecRules.IsAsymmetric(key.KeySpec) ? KeySpecRules.PairKind(key.KeySpec) : (KeyPairKind?)null;
            return new UnsealedMaterial(buffer, record.KeyMaterialId, record.ValidTo, kind);
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

    private void Remember((string, uint, long) cacheKey, UnsealedMaterial material)
    {
        var options = new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = _idleExpiry };
        options.RegisterPostEvictionCallback(static (_, value, _, _) => ((UnsealedMaterial)value!).Release());
        _cache.Set(cacheKey, material, options);
    }

    /// <summary>What a material is sealed to: the key's ARN, or for a multi-Region key the ARN without a Region,
    /// so that every key of the set (which shares the material) unseals it.</summary>
    private static string MaterialOwner(KeyRecord key) => MaterialOwner(key.Partition, key.AccountId, key.Region, key.KeyId, key.MultiRegion);

    /// <summary>A multi-Region set's replicas share material, so it is bound to the Region-less ARN.</summary>
    internal static string MaterialOwner(string partition, string accountId, string region, string keyId, bool multiRegion) =>
        KeyArn.Format(partition, multiRegion ? string.Empty : region, accountId, keyId);

    internal static byte[] AssociatedData(string keyArn, uint version, string materialId) =>
        Encoding.UTF8.GetBytes($"trent:key-material:v1\n{keyArn}\n{version}\n{materialId}");
}
