using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trent.Audit.Integrity;
using Trent.Crypto.Sealing;
using Trent.Domain.Sealing;
using Trent.Domain.Storage;

namespace Trent.Server;

/// <summary>
/// Keeps this node's domain keys current (a rotation made through any node reaches it within the refresh interval)
/// and, once a new version seals, re-seals everything stored under older ones: key material, access-key secrets and
/// the audit signing key file. Each replacement is compare-and-set, so several nodes running a pass at once, or
/// requests writing meanwhile, lose nothing; a pass cut short by a crash runs again at the next start. The audit
/// signing key lives in each node's data directory, so each node re-seals its own as soon as it learns the version.
/// </summary>
public sealed partial class DomainKeyWorker(
    DomainKeyService service, IKeyStore keys, ICredentialStore credentials, ICustomKeyStoreStore customKeyStores, Sealer sealer, IJobLeases leases, TrentServerOptions options,
    ILogger<DomainKeyWorker> logger)
    : BackgroundService
{
    private const int MaxPasses = 5;
    private readonly string _holder = $"{options.NodeName}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var current = await service.RefreshAsync(stoppingToken).ConfigureAwait(false);
                    // Each node's own file (its data directory's), whatever the shared store's marker says.
                    if (AuditSigningKey.Reseal(options.AuditSigningKeyPath, sealer, legacy: null))
                    {
                        LogSigningKeyResealed(logger, current);
                    }

                    if (await service.ResealDueAsync(stoppingToken).ConfigureAwait(false))
                    {
                        await ResealAsync(current, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }

                await service.WaitForNextRefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>One pass over the store, by one node at a time (the job lease); another node's pass is simply awaited.</summary>
    private async Task ResealAsync(uint current, CancellationToken stoppingToken)
    {
        await using var lease = await JobLease.TryTakeAsync(leases, "job:reseal", _holder, options.JobLeaseDuration, stoppingToken).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        // Passes until one finds nothing left to re-seal: a write that raced the previous pass is caught by the next.
        LogPassStarted(logger, current);
        var resealer = new Resealer(keys, credentials, customKeyStores, sealer);
        ResealCounts total = default, pass;
        var passes = 0;
        do
        {
            pass = await resealer.RunAsync(legacy: null, progress: null, lease.Token).ConfigureAwait(false);
            total = total.Add(pass);
        }
        while (pass.Changed && ++passes < MaxPasses);

        if (pass.Changed)
        {
            return; // still changing under us: try again at the next refresh, without recording the version as done
        }

        await service.RecordPassAsync(current, total, lease.Token).ConfigureAwait(false);
        LogPassDone(logger, current, total.Materials, total.AccessKeys, total.Passwords, total.Unreadable);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Re-sealing stored values under domain key version {Version}")]
    private static partial void LogPassStarted(ILogger logger, uint version);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information,
        Message = "Re-sealed under domain key version {Version}: {Materials} key material versions, {AccessKeys} access keys, {Passwords} custom key store passwords; {Unreadable} values open under no key and were left as they are")]
    private static partial void LogPassDone(ILogger logger, uint version, int materials, int accessKeys, int passwords, int unreadable);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Re-sealed the audit signing key under domain key version {Version}")]
    private static partial void LogSigningKeyResealed(ILogger logger, uint version);

    [LoggerMessage(EventId = 42, Level = LogLevel.Error, Message = "Domain key refresh or re-sealing failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
