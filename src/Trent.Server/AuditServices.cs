using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trent.Audit;
using Trent.Audit.Files;
using Trent.Audit.Index;
using Trent.Audit.Integrity;
using Trent.Crypto.Sealing;
using Trent.Domain.Audit;

namespace Trent.Server;

/// <summary>
/// The audit trail's parts: the log (group commit, rotation, sealing), the search index that follows it off
/// the request path, the sealed signing key and the digest writer, and the services LookupEvents and
/// GetKeyLastUsage use.
/// </summary>
internal static class AuditServices
{
    public static void Add(IServiceCollection services, TrentServerOptions options, TimeProvider clock)
    {
        services.AddSingleton(sp => new SqliteAuditIndex(
            options.AuditIndexPath, options.AuditDirectory, clock, sp.GetRequiredService<ILogger<SqliteAuditIndex>>()));
        services.AddSingleton<IAuditEventIndex>(sp => sp.GetRequiredService<SqliteAuditIndex>());
        services.AddSingleton(sp => new FileAuditLog(
            options.AuditDirectory,
            options.NodeName,
            sp.GetRequiredService<ILogger<FileAuditLog>>(),
            sp.GetRequiredService<AuditSigningKey>().Chain,
            options.AuditSegmentBytes,
            options.AuditRotationInterval,
            clock,
            sp.GetRequiredService<SqliteAuditIndex>()));
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<FileAuditLog>());
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

    /// <summary>Opens the trail at start (not at the first request), and leaves the public key beside it for auditors.</summary>
    public static void Start(IServiceProvider services, TrentServerOptions options)
    {
        _ = services.GetRequiredService<FileAuditLog>();
        var key = services.GetRequiredService<AuditSigningKey>();
        var publicKeyPath = Path.Combine(options.AuditDirectory, AuditFileNames.PublicKeyFile);
        if (!File.Exists(publicKeyPath) || File.ReadAllText(publicKeyPath) != key.PublicKeyPem)
        {
            FileSync.WriteAtomically(publicKeyPath, s => s.Write(System.Text.Encoding.ASCII.GetBytes(key.PublicKeyPem)));
        }
    }
}
