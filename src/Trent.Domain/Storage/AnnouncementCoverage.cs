namespace Trent.Domain.Storage;

/// <summary>
/// How far this node is known to have heard every announced change (<see cref="IStoreChanges"/>): within
/// <paramref name="Epoch"/>, every change committed before the timestamp <paramref name="HeardBefore"/>
/// (<see cref="TimeProvider.GetTimestamp"/> of the system clock) has reached this node. The epoch changes whenever
/// announcements may have been missed (listening lost or started again); 0 for <paramref name="HeardBefore"/> proves
/// nothing.
/// </summary>
public sealed record AnnouncementCoverage(long Epoch, long HeardBefore)
{
    public static readonly AnnouncementCoverage None = new(0, 0);
}

/// <summary>
/// The proof behind <see cref="AnnouncementCoverage"/>, kept fresh by the store's listener (a successful probe of the
/// listening connection sent at T shows every change committed before T was delivered to it). Caches keep a row past
/// their time to live only while that proof is younger than the time to live, so a missed announcement is still seen
/// within the time to live, as <see cref="IStoreChanges"/> promises, while a warm row is not read again every period.
/// </summary>
public interface IAnnouncementCoverage
{
    AnnouncementCoverage Current { get; }
}
