using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trent.Audit;
using Trent.Audit.Files;
using Trent.Audit.Index;
using Trent.Audit.Integrity;
using Trent.Audit.Journal;
using Trent.Crypto.Sealing;
using Trent.Domain.Audit;

namespace Trent.Server;

/// <summary>
/// The audit trail's parts: the log (group commit, rotation, sealing), the search index that follows it off
/// the request path, the sealed signing key and the digest writer, and the services LookupEvents and
/// GetKeyLastUsage use.
/// </summary>
internal static partial class AuditServices
{
    public static void Add(IServiceCollection services, TrentServerOptions options, TimeProvider clock)
    {
        services.AddSingleton<AuditWriteFaults>();
        // The index starts catching up with the audit directory on its own thread at once, before the log (which it
        // is built for) exists: on a fresh data directory it must find the directory there.
        if (string.IsNullOrEmpty(options.Store))
        {
            services.AddSingleton(sp =>
            {
                Trent.Crypto.PrivateFiles.CreateDirectory(options.AuditDirectory);
                return new SqliteAuditIndex(options.AuditIndexPath, options.AuditDirectory, clock, sp.GetRequiredService<ILogger<SqliteAuditIndex>>());
            });
            services.AddSingleton<IAuditEventIndex>(sp => sp.GetRequiredService<SqliteAuditIndex>());
            services.AddSingleton<IAuditIndexFollower>(sp => sp.GetRequiredService<SqliteAuditIndex>());
        }
        else
        {
            // Several nodes: lookups answer from the index they all feed, each with its own trail; no local index.
            services.AddSingleton(sp =>
            {
                Trent.Crypto.PrivateFiles.CreateDirectory(options.AuditDirectory);
                return new PostgresAuditIndex(
                    sp.GetRequiredService<Trent.Storage.Postgres.PostgresDatabase>().DataSource, options.AuditDirectory, clock,
                    sp.GetRequiredService<ILogger<PostgresAuditIndex>>());
            });
            services.AddSingleton<IAuditEventIndex>(sp => sp.GetRequiredService<PostgresAuditIndex>());
            services.AddSingleton<IAuditIndexFollower>(sp => sp.GetRequiredService<PostgresAuditIndex>());
        }

        services.AddSingleton(sp => new FileAuditLog(
            options.AuditDirectory,
            options.NodeName,
            sp.GetRequiredService<ILogger<FileAuditLog>>(),
            sp.GetRequiredService<AuditSigningKey>().Chain,
            options.AuditSegmentBytes,
            options.AuditRotationInterval,
            clock,
            sp.GetRequiredService<IAuditIndexFollower>(),
            sp.GetRequiredService<AuditWriteFaults>()));
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<FileAuditLog>());
        services.AddSingleton(sp => new AuditIntentJournal(
            options.AuditJournalDirectory, options.NodeName, sp.GetRequiredService<ILogger<AuditIntentJournal>>(),
            options.AuditJournalSegmentBytes, sp.GetRequiredService<AuditWriteFaults>()));
        services.AddSingleton<IAuditJournal>(sp => sp.GetRequiredService<AuditIntentJournal>());
        services.AddSingleton(sp => new AuditScopeFactory(
            sp.GetRequiredService<IAuditSink>(), clock, sp.GetRequiredService<Trent.Domain.ServiceSettings>(), sp.GetRequiredService<IAuditJournal>()));
        services.AddSingleton(sp => AuditSigningKey.LoadOrCreate(options.AuditSigningKeyPath, sp.GetRequiredService<Sealer>()));
        services.AddSingleton(sp => new AuditDigestWriter(
            sp.GetRequiredService<FileAuditLog>(),
            sp.GetRequiredService<AuditSigningKey>(),
            options.AuditDigestInterval,
            clock,
            sp.GetRequiredService<ILogger<AuditDigestWriter>>()));
        services.AddSingleton<AuditLookupService>();
        services.AddSingleton<KeyUsageService>();
    }

    /// <summary>
    /// Opens the trail at start (not at the first request), turns the intents a previous run left open into
    /// records (see <see cref="IAuditJournal"/>) before any request is served, and leaves the public key
    /// beside the trail for auditors.
    /// </summary>
    public static async Task StartAsync(IServiceProvider services, TrentServerOptions options)
    {
        var log = services.GetRequiredService<FileAuditLog>();
        var interrupted = AuditIntentJournal.Recover(options.AuditJournalDirectory, options.NodeName);
        if (interrupted.Count > 0)
        {
            await Task.WhenAll(interrupted.Select(e => log.RecordAsync(e, CancellationToken.None).AsTask())).ConfigureAwait(false);
            LogRecovered(services.GetRequiredService<ILogger<AuditIntentJournal>>(), interrupted.Count);
        }

        AuditIntentJournal.RemoveRecovered(options.AuditJournalDirectory, options.NodeName);
        _ = services.GetRequiredService<AuditIntentJournal>();
        var key = services.GetRequiredService<AuditSigningKey>();
        var publicKeyPath = Path.Combine(options.AuditDirectory, AuditFileNames.PublicKeyFile);
        if (!File.Exists(publicKeyPath) || File.ReadAllText(publicKeyPath) != key.PublicKeyPem)
        {
            FileSync.WriteAtomically(publicKeyPath, s => s.Write(System.Text.Encoding.ASCII.GetBytes(key.PublicKeyPem)));
        }
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Recorded {Count} requests that a previous run began but did not finish recording (outcome unknown)")]
    private static partial void LogRecovered(ILogger logger, int count);
}
