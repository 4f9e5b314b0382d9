using Microsoft.Extensions.Caching.Memory;
using Trent.Domain.Aliases;
using Trent.Domain.Storage;

namespace Trent.Domain.Keys;

/// <summary>
/// A short-lived, bounded cache of key rows and alias targets for the hot path, so that a cryptographic
/// request does not read the database. This node's own writes update it at once; on a shared database another
/// node's writes evict it as they commit (<see cref="Storage.IStoreChanges"/>), and are seen within
/// <see cref="TimeToLive"/> at worst, when an announcement is missed (AWS too documents key state changes as
/// eventually consistent). Every read-check-write (<see cref="KeyUpdater"/>) bypasses it and reads the database.
/// A time to live of zero turns the cache off. With <see cref="IAnnouncementCoverage"/> (a shared database), a row
/// older than its time to live is still served while every change since it was read is proven heard less than the
/// time to live ago (up to <see cref="CoveredLifetime"/>): a missed announcement is seen within the same bound, and
/// a warm key is not read again every period.
/// </summary>
public sealed class KeyCache : IDisposable
{
    /// <summary>The longest a covered row is kept without reading it again, in case an eviction is ever lost in this node.</summary>
    public static readonly TimeSpan CoveredLifetime = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _cache;
    private readonly IAnnouncementCoverage? _coverage;
    private readonly TimeProvider _clock;

    private long _evictions;

    public KeyCache(TimeSpan timeToLive, int capacity, IAnnouncementCoverage? coverage = null, TimeProvider? clock = null)
    {
        TimeToLive = timeToLive;
        _coverage = coverage;
        _clock = clock ?? TimeProvider.System;
        _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, capacity), CompactionPercentage = 0.1 });
    }

    public TimeSpan TimeToLive { get; }

    /// <summary>Taken before a database read whose result is then cached with <see cref="SetKey(KeyRecord, long)"/>:
    /// an eviction in between (a change committed meanwhile) must not be undone by caching what was read before it.</summary>
    public long Stamp => Interlocked.Read(ref _evictions);

    public bool Enabled => TimeToLive > TimeSpan.Zero;

    public KeyRecord? GetKey(string accountId, string region, string keyId) => Get<KeyRecord>((accountId, region, keyId));

    public void SetKey(KeyRecord key)
    {
        if (Enabled)
        {
            Set((key.AccountId, key.Region, key.KeyId), key);
        }
    }

    /// <summary>Caches a key read from the database, unless something was evicted since <paramref name="stamp"/>.</summary>
    public void SetKey(KeyRecord key, long stamp)
    {
        if (Enabled && Stamp == stamp)
        {
            Set((key.AccountId, key.Region, key.KeyId), key);
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

    public AliasRecord? GetAlias(string accountId, string region, string aliasName) => Get<AliasRecord>(("alias", accountId, region, aliasName));

    public void SetAlias(AliasRecord alias, long stamp)
    {
        if (Enabled && Stamp == stamp)
        {
            Set(("alias", alias.AccountId, alias.Region, alias.AliasName), alias);
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

    private T? Get<T>(object cacheKey)
        where T : class
    {
        if (!Enabled || !_cache.TryGetValue(cacheKey, out Entry? entry))
        {
            return null;
        }

        var now = _clock.GetTimestamp();
        if (_clock.GetElapsedTime(entry!.CachedAt, now) < TimeToLive)
        {
            return (T)entry.Value;
        }

        // Past its time to live: served only if no announcement since it was cached can have been missed for as long.
        var coverage = _coverage?.Current;
        if (coverage is not null && coverage.Epoch == entry.Epoch && coverage.HeardBefore != 0
            && _clock.GetElapsedTime(coverage.HeardBefore, now) < TimeToLive)
        {
            return (T)entry.Value;
        }

        _cache.Remove(cacheKey);
        return null;
    }

    private void Set(object cacheKey, object value)
    {
        var entry = new Entry(value, _clock.GetTimestamp(), _coverage?.Current.Epoch ?? 0);
        _cache.Set(cacheKey, entry, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = _coverage is null ? TimeToLive : TimeToLive > CoveredLifetime ? TimeToLive : CoveredLifetime,
        });
    }

    /// <summary>A cached row, when it was cached and under which announcement epoch.</summary>
    private sealed record Entry(object Value, long CachedAt, long Epoch);
}
