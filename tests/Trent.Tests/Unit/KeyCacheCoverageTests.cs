using Microsoft.Extensions.Time.Testing;
using Trent.Domain.Keys;
using Trent.Domain.Storage;
using Trent.Tests.Storage;

namespace Trent.Tests.Unit;

/// <summary>
/// The key cache past its time to live on a shared database: a row is served only while the listener has proven,
/// less than the time to live ago and with no loss since the row was cached, that every change was heard; so a
/// missed announcement is still seen within the time to live. The clock is a fake: nothing here waits.
/// </summary>
public sealed class KeyCacheCoverageTests
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _clock = new();
    private readonly Coverage _coverage = new();

    [Fact]
    public void Without_coverage_a_row_expires_with_its_time_to_live()
    {
        using var cache = new KeyCache(TimeToLive, 10, coverage: null, _clock);
        var key = Cached(cache);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Same(key, Served(cache, key));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(Served(cache, key));
    }

    [Fact]
    public void A_row_outlives_its_time_to_live_while_every_change_is_proven_heard_recently()
    {
        using var cache = CoveredCache();
        var key = Cached(cache);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(500));
            ProbeAnswered(epoch: 1);
            Assert.Same(key, Served(cache, key));
        }
    }

    [Fact]
    public void Once_the_proof_is_as_old_as_the_time_to_live_the_row_is_read_again()
    {
        using var cache = CoveredCache();
        var key = Cached(cache);
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        ProbeAnswered(epoch: 1); // the last one: unanswered since, so a change may have been missed
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Same(key, Served(cache, key));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(Served(cache, key));
    }

    [Fact]
    public void A_row_cached_before_listening_was_lost_is_not_kept_past_its_time_to_live()
    {
        using var cache = CoveredCache();
        var key = Cached(cache);
        _clock.Advance(TimeSpan.FromSeconds(1));
        ProbeAnswered(epoch: 3); // lost, then listening again
        Assert.Null(Served(cache, key));

        var again = Cached(cache);
        _clock.Advance(TimeSpan.FromSeconds(1));
        _coverage.Current = new AnnouncementCoverage(4, 0); // lost: nothing proven
        Assert.Null(Served(cache, again));
    }

    private static KeyRecord Cached(KeyCache cache)
    {
        var key = StoreRecords.Key("111122223333");
        cache.SetKey(key, cache.Stamp);
        return key;
    }

    private static KeyRecord? Served(KeyCache cache, KeyRecord key) => cache.GetKey(key.AccountId, key.Region, key.KeyId);

    /// <summary>A cache on a listener that has just started listening (epoch 1).</summary>
    private KeyCache CoveredCache()
    {
        ProbeAnswered(epoch: 1);
        return new KeyCache(TimeToLive, 10, _coverage, _clock);
    }

    private void ProbeAnswered(long epoch) => _coverage.Current = new AnnouncementCoverage(epoch, _clock.GetTimestamp());

    private sealed class Coverage : IAnnouncementCoverage
    {
        public AnnouncementCoverage Current { get; set; } = AnnouncementCoverage.None;
    }
}
