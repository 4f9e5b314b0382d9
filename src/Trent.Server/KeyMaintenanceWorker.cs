using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trent.Domain.Imports;
using Trent.Domain.Keys;
using Trent.Domain.Rotation;

namespace Trent.Server;

/// <summary>
/// Runs the time-driven work on a fixed interval, and once at start so that anything that fell due while no
/// node was running happens at once: key deletions, automatic rotations, expiry of imported material, and
/// multi-Region keys left Creating or Updating by a crash.
/// Each job is an optimistic update per key, so every node can run this worker.
/// </summary>
public sealed partial class KeyMaintenanceWorker(
    KeyDeletionService deletion,
    KeyRotationService rotation,
    KeyImportService imports,
    MultiRegionKeyService multiRegion,
    TrentServerOptions options,
    ILogger<KeyMaintenanceWorker> logger) : BackgroundService
{
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
            var count = await run(stoppingToken).ConfigureAwait(false);
            if (count > 0)
            {
                LogDone(logger, job, count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e, job);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Key {Job}: {Count} keys processed")]
    private static partial void LogDone(ILogger logger, string job, int count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "The key {Job} job failed; it will run again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string job);
}
