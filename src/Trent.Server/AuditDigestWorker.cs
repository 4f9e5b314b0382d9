using Microsoft.Extensions.Hosting;
using Trent.Audit.Integrity;

namespace Trent.Server;

/// <summary>Runs this node's digest writer for as long as the server runs.</summary>
internal sealed class AuditDigestWorker(AuditDigestWriter writer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => writer.RunAsync(stoppingToken);
}
