using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Trent.Protocol.Metrics;

namespace Trent.Server;

/// <summary>
/// Prometheus metrics on their own listener (<c>--metrics-urls</c>), never on the API's: operation counts,
/// error types and key counts are not for every caller that can reach the KMS endpoint. Off by default.
/// Meters are process-wide, so this listener reports what the API server records.
/// </summary>
internal static class MetricsListener
{
    public static WebApplication? Build(TrentServerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.MetricsUrls))
        {
            return null;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Trent.Metrics",
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(options.MetricsUrls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = 64;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RequestMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
