using Microsoft.Extensions.Caching.Memory;
using Trent.Domain.Aliases;

namespace Trent.Domain.Keys;

/// <summary>
/// A short-lived, bounded cache of key rows and alias targets for the hot path, so that a cryptographic
/// request does not read the database. This node's own writes update it at once; on a shared database another
/// node's writes evict it as they commit (<see cref="Storage.IStoreChanges"/>), and are seen within
/// <see cref="TimeToLive"/> at worst, when an announcement is missed (AWS too documents key state changes as
/// eventually consistent). Every read-check-write (<see cref="KeyUpdater"/>) bypasses it and reads the database.
/// A time to live of zero turns the cache off.
/// </summary>
public sealed class KeyCache(TimeSpan timeToLive, int capacity) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, capacity), CompactionPercentage = 0.1 });

    private long _evictions;

    public TimeSpan TimeToLive { get; } = timeToLive;

    /// <summary>Taken before a database read whose result is then cached with <see cref="SetKey(KeyRecord, long)"/>:
    /// an eviction in between (a change committed meanwhile) must not be undone by caching what was read before it.</summary>
    public long Stamp => Interlocked.Read(ref _evictions);

    public bool Enabled => TimeToLive > TimeSpan.Zero;

    public KeyRecord? GetKey(string accountId, string region, string keyId) =>
        Enabled && _cache.TryGetValue((accountId, region, keyId), out KeyRecord? key) ? key : null;

    public void SetKey(KeyRecord key)
    {
        if (Enabled)
        {
            _cache.Set((key.AccountId, key.Region, key.KeyId), key, Options());
        }
    }

    /// <summary>Caches a key read from the database, unless something was evicted since <paramref name="stamp"/>.</summary>
    public void SetKey(KeyRecord key, long stamp)
    {
        if (Enabled && Stamp == stamp)
        {
            _cache.Set((key.AccountId, key.Region, key.KeyId), key, Options());
        }
    }

    public void RemoveKey(KeyRecord key) => RemoveKey(key.AccountId, key.Region, key.KeyId);

    public void RemoveKey(string accountId, string region, string keyId)
    {
        Interlocked.Increment(ref _evictions);
        _cache.Remove((accountId, region, keyId));
    }

    /// <summary>Forgets every Region's key of a multi-Region set.</summary>
    public void RemoveSet(string accountId, string keyId, IEnumerable<Regions.AwsRegion> regions)
    {
        foreach (var region in regions)
        {
            RemoveKey(accountId, region.Name, keyId);
        }
    }

    public AliasRecord? GetAlias(string accountId, string region, string aliasName) =>
        Enabled && _cache.TryGetValue(("alias", accountId, region, aliasName), out AliasRecord? alias) ? alias : null;

    public void SetAlias(AliasRecord alias, long stamp)
    {
        if (Enabled && Stamp == stamp)
        {
            _cache.Set(("alias", alias.AccountId, alias.Region, alias.AliasName), alias, Options());
        }
    }

    public void RemoveAlias(string accountId, string region, string aliasName)
    {
        Interlocked.Increment(ref _evictions);
        _cache.Remove(("alias", accountId, region, aliasName));
    }

    /// <summary>Forgets everything (changes may have been missed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _evictions);
        _cache.Clear();
    }

    public void Dispose() => _cache.Dispose();

    private MemoryCacheEntryOptions Options() => new() { Size = 1, AbsoluteExpirationRelativeToNow = TimeToLive };
}
