namespace Trent.Domain.Storage;

/// <summary>
/// What a store's failures mean to a request. A store whose database can be unreachable for a while (a shared
/// PostgreSQL during a failover or a restart) says which of its exceptions mean "unavailable, retry": the request
/// then fails at once with the protocol's retryable server error instead of an internal one, and nothing was
/// acknowledged. Any other exception stays unexpected.
/// </summary>
public interface IStoreFaults
{
    /// <summary>True when <paramref name="exception"/> (or one inside it) says the database cannot be reached or cannot
    /// take writes just now.</summary>
    bool IsUnavailable(Exception exception);
}

/// <summary>A store that is never unavailable on its own (the embedded database is a file in the data directory).</summary>
public sealed class NoStoreFaults : IStoreFaults
{
    public bool IsUnavailable(Exception exception) => false;
}
