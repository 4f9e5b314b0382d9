namespace Trent.Domain.Storage;

/// <summary>What kind of stored row another node changed.</summary>
public enum ChangedEntity
{
    /// <summary>A key row (<see cref="StoreChange.Region"/> and <see cref="StoreChange.Id"/>: its Region and key ID).</summary>
    Key,

    /// <summary>An alias (Region and alias name).</summary>
    Alias,

    /// <summary>An access key (ID: the access key ID; no account or Region).</summary>
    AccessKey,

    /// <summary>An IAM user, role or inline policy (Region: <c>User</c> or <c>Role</c>; ID: the upper-cased name).</summary>
    Identity,
}

/// <summary>One committed change to a cached row, as announced to every node.</summary>
public readonly record struct StoreChange(ChangedEntity Entity, string AccountId, string Region, string Id);

/// <summary>
/// Announcements of committed writes, from any node, so that each node evicts what it caches.
/// Contract: a change is announced only once its transaction commits, to every node listening, this one included;
/// <see cref="Reset"/> is raised whenever announcements may have been missed (the listening connection was lost
/// and made again), and then every cache must be cleared. Between the loss and the reset a node serves from its
/// caches, so their time to live bounds how stale a node can be. A store with one node (the embedded store) has
/// no such announcements: each node evicts its own writes in process.
/// </summary>
public interface IStoreChanges
{
    event Action<StoreChange>? Changed;

    event Action? Reset;
}
