using Microsoft.Extensions.Caching.Memory;
using Trent.Domain.Aliases;

namespace Trent.Domain.Keys;

/// <summary>
/// A short-lived, bounded cache of key rows and alias targets for the hot path, so that a cryptographic
/// request does not read the database. This node's own writes update it at once; another node's writes
/// are seen within <see cref="TimeToLive"/> (AWS too documents key state changes as eventually consistent).
/// Every read-check-write (<see cref="KeyUpdater"/>) bypasses it and reads the database.
/// A time to live of zero turns the cache off.
/// </summary>
public sealed class KeyCache(TimeSpan timeToLive, int capacity) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, capacity), CompactionPercentage = 0.1 });

    public TimeSpan TimeToLive { get; } = timeToLive;

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

    public void RemoveKey(KeyRecord key) => RemoveKey(key.AccountId, key.Region, key.KeyId);

    public void RemoveKey(string accountId, string region, string keyId) => _cache.Remove((accountId, region, keyId));

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

    public void SetAlias(AliasRecord alias)
    {
        if (Enabled)
        {
            _cache.Set(("alias", alias.AccountId, alias.Region, alias.AliasName), alias, Options());
        }
    }

    public void RemoveAlias(string accountId, string region, string aliasName) => _cache.Remove(("alias", accountId, region, aliasName));

    /// <summary>Forgets every key and alias (a development reset removed them all).</summary>
    public void Clear() => _cache.Clear();

    public void Dispose() => _cache.Dispose();

    private MemoryCacheEntryOptions Options() => new() { Size = 1, AbsoluteExpirationRelativeToNow = TimeToLive };
}
