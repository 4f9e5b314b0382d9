using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trent.Domain.Keys;

namespace Trent.Server;

/// <summary>Deletes keys whose deletion window has passed, on a fixed interval (and once at start).</summary>
public sealed partial class KeyDeletionWorker(KeyDeletionService deletion, TrentServerOptions options, ILogger<KeyDeletionWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.DeletionSweepInterval);
        do
        {
            try
            {
                var deleted = await deletion.DeleteDueKeysAsync(stoppingToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Deleted {Count} keys whose deletion window had passed")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "The key deletion sweep failed; it will run again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
