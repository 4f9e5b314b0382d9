using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trent.Domain.Imports;
using Trent.Domain.Keys;
using Trent.Domain.Rotation;
using Trent.Domain.Storage;

namespace Trent.Server;

/// <summary>
/// Runs the time-driven work on a fixed interval, and once at start so that anything that fell due while no
/// node was running happens at once: key deletions, automatic rotations, expiry of imported material, and
/// multi-Region keys left Creating or Updating by a crash, and replicas settling.
/// Every node runs this worker, but each job runs on one node at a time: the node that takes the job's lease
/// (<see cref="IJobLeases"/>, shared through the store). A node that dies mid-job leaves its lease to expire
/// (<see cref="TrentServerOptions.JobLeaseDuration"/>), and the next node to look takes the job over; each step of a
/// job is an atomic, re-checked update per key, so nothing is done twice.
/// </summary>
public sealed partial class KeyMaintenanceWorker(
    KeyDeletionService deletion,
    KeyRotationService rotation,
    KeyImportService imports,
    MultiRegionKeyService multiRegion,
    IJobLeases leases,
    TrentServerOptions options,
    ILogger<KeyMaintenanceWorker> logger) : BackgroundService
{
    /// <summary>This run of this node: the node name, and a random part so that a restarted node, or two nodes
    /// given one name by mistake, never take each other's lease for their own.</summary>
    private readonly string _holder = $"{options.NodeName}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.MaintenanceInterval);
        try
        {
            do
            {
                await RunAsync("deletion", deletion.DeleteDueKeysAsync, stoppingToken).ConfigureAwait(false);
                await RunAsync("rotation", rotation.RotateDueKeysAsync, stoppingToken).ConfigureAwait(false);
                await RunAsync("material expiry", imports.ExpireDueMaterialAsync, stoppingToken).ConfigureAwait(false);
                await RunAsync("settling", multiRegion.SettleTransitionsAsync, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task RunAsync(string job, Func<CancellationToken, Task<int>> run, CancellationToken stoppingToken)
    {
        try
        {
            await using var lease = await JobLease.TryTakeAsync(leases, "job:" + job, _holder, options.JobLeaseDuration, stoppingToken).ConfigureAwait(false);
            if (lease is null)
            {
                return; // another node runs it now
            }

            var count = await run(lease.Token).ConfigureAwait(false);
            if (count > 0)
            {
                LogDone(logger, job, count);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogLeaseLost(logger, job);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e, job);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Key {Job}: {Count} keys processed")]
    private static partial void LogDone(ILogger logger, string job, int count);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "The key {Job} job stopped: its lease could not be renewed; whichever node holds it next carries on")]
    private static partial void LogLeaseLost(ILogger logger, string job);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "The key {Job} job failed; it will run again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string job);
}
