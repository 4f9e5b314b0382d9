using Trent.Domain.Storage;

namespace Trent.Server;

/// <summary>
/// A background job's lease while the job runs: renewed every third of its duration, and released at the end.
/// If a renewal fails (the lease was lost, or the database is unreachable for longer than the lease) the job is
/// cancelled through <see cref="Token"/>, so that two nodes never carry on the same job; each step of a job is
/// one atomic, re-checked update, so a job cut short is simply finished by the next holder.
/// </summary>
internal sealed class JobLease : IAsyncDisposable
{
    private readonly IJobLeases _leases;
    private readonly string _name;
    private readonly string _holder;
    private readonly TimeSpan _duration;
    private readonly CancellationTokenSource _lost;
    private readonly Task _renewal;

    private JobLease(IJobLeases leases, string name, string holder, TimeSpan duration, CancellationToken stoppingToken)
    {
        _leases = leases;
        _name = name;
        _holder = holder;
        _duration = duration;
        _lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _renewal = RenewAsync();
    }

    /// <summary>Cancelled when the lease is lost or the node stops.</summary>
    public CancellationToken Token => _lost.Token;

    /// <summary>The lease, or null when another node holds it.</summary>
    public static async Task<JobLease?> TryTakeAsync(IJobLeases leases, string name, string holder, TimeSpan duration, CancellationToken stoppingToken) =>
        await leases.TryAcquireAsync(name, holder, duration, stoppingToken).ConfigureAwait(false)
            ? new JobLease(leases, name, holder, duration, stoppingToken)
            : null;

    public async ValueTask DisposeAsync()
    {
        await _lost.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        _lost.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _leases.ReleaseAsync(_name, _holder, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Unreleased, the lease simply expires.
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_duration / 3, _lost.Token).ConfigureAwait(false);
                bool held;
                try
                {
                    held = await _leases.TryAcquireAsync(_name, _holder, _duration, _lost.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    held = false;
                }

                if (!held)
                {
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The job ended (or the node stops).
        }
    }
}
