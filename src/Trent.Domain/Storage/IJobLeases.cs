namespace Trent.Domain.Storage;

/// <summary>
/// Leases that let one node at a time run a background job (deletions, rotations, expiry, settling) among the
/// nodes sharing a store. Contract: at most one holder has an unexpired lease of a name at any moment; a lease
/// ends when released or when it expires, judged by the store's own clock, so that a holder that died mid-job
/// hands the job on without anyone's help, and nodes' clocks need not agree.
/// </summary>
public interface IJobLeases
{
    /// <summary>Takes the lease, or renews it, for <paramref name="duration"/> from now; true when
    /// <paramref name="holder"/> has it (it was free, expired, or already this holder's), false when another holds it.</summary>
    Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Ends the lease if <paramref name="holder"/> has it.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken);
}

/// <summary>The leases of a store that only one process opens (the embedded store, behind the data directory
/// lock): that process is the only possible holder, so it holds every lease.</summary>
public sealed class SingleProcessJobLeases : IJobLeases
{
    public Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken) => Task.CompletedTask;
}
