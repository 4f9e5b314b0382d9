using Microsoft.Extensions.Configuration;
using Trent.Server;

namespace Trent;

/// <summary>
/// Reads the server settings from, in rising precedence: a JSON config file (<c>--config FILE</c>, else
/// <c>./trent.json</c> if present), <c>TRENT_*</c> environment variables, and command-line options.
/// </summary>
internal static class ServeConfiguration
{
    /// <summary>Option name (config key under "Trent"), command-line switch, environment variable.</summary>
    private static readonly (string Key, string? Switch, string Env)[] Settings =
    [
        ("Urls", "--urls", "TRENT_URLS"),
        ("Data", "--data", "TRENT_DATA"),
        ("Store", "--store", "TRENT_STORE"),
        ("Region", "--region", "TRENT_REGION"),
        ("Regions", "--regions", "TRENT_REGIONS"),
        ("AccountId", "--account-id", "TRENT_ACCOUNT_ID"),
        ("RootKeyFile", "--root-key", "TRENT_ROOT_KEY_FILE"),
        ("TlsCertificate", "--tls-cert", "TRENT_TLS_CERT"),
        ("TlsKey", "--tls-key", "TRENT_TLS_KEY"),
        ("NodeName", "--node-name", "TRENT_NODE_NAME"),
        ("MaintenanceInterval", "--maintenance-interval", "TRENT_MAINTENANCE_INTERVAL"),
        ("MaterialCacheCapacity", "--material-cache-capacity", "TRENT_MATERIAL_CACHE_CAPACITY"),
        ("KeyCacheTimeToLive", "--key-cache-ttl", "TRENT_KEY_CACHE_TTL"),
        ("KeyCacheCapacity", "--key-cache-capacity", "TRENT_KEY_CACHE_CAPACITY"),
        ("AccessKeyCacheTimeToLive", "--access-key-cache-ttl", "TRENT_ACCESS_KEY_CACHE_TTL"),
        ("AuditSegmentBytes", "--audit-segment-bytes", "TRENT_AUDIT_SEGMENT_BYTES"),
        ("AuditJournalSegmentBytes", "--audit-journal-segment-bytes", "TRENT_AUDIT_JOURNAL_SEGMENT_BYTES"),
        ("AuditRotationInterval", "--audit-rotation-interval", "TRENT_AUDIT_ROTATION_INTERVAL"),
        ("AuditDigestInterval", "--audit-digest-interval", "TRENT_AUDIT_DIGEST_INTERVAL"),
        ("MetricsUrls", "--metrics-urls", "TRENT_METRICS_URLS"),
        ("Limits:MaxConcurrentConnections", "--max-connections", "TRENT_MAX_CONNECTIONS"),
        ("Limits:KeepAliveTimeout", "--keep-alive-timeout", "TRENT_KEEP_ALIVE_TIMEOUT"),
        ("Limits:RequestHeadersTimeout", "--request-headers-timeout", "TRENT_REQUEST_HEADERS_TIMEOUT"),
        ("Limits:MinRequestBodyBytesPerSecond", "--min-request-body-rate", "TRENT_MIN_REQUEST_BODY_RATE"),
        ("MaxConcurrentKeyGenerations", "--max-key-generations", "TRENT_MAX_KEY_GENERATIONS"),
        ("AdminAccessKeyId", null, "TRENT_ADMIN_ACCESS_KEY_ID"),
        ("AdminSecretAccessKey", null, "TRENT_ADMIN_SECRET_ACCESS_KEY"),
    ];

    public static IEnumerable<string> Switches => Settings.Where(s => s.Switch is not null).Select(s => s.Switch!);

    public static TrentServerOptions Load(string[] args)
    {
        var configFile = ConfigFile(args, out var remaining);
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        else if (File.Exists("trent.json"))
        {
            builder.AddJsonFile(Path.GetFullPath("trent.json"), optional: true);
        }

        builder.AddInMemoryCollection(Settings
            .Select(s => (s.Key, Value: Environment.GetEnvironmentVariable(s.Env)))
            .Where(s => !string.IsNullOrEmpty(s.Value))
            .Select(s => KeyValuePair.Create<string, string?>("Trent:" + s.Key, s.Value)));
        builder.AddCommandLine(remaining, Settings.Where(s => s.Switch is not null).ToDictionary(s => s.Switch!, s => "Trent:" + s.Key));

        var options = new TrentServerOptions();
        builder.Build().GetSection("Trent").Bind(options);
        return options;
    }

    private static string? ConfigFile(string[] args, out string[] remaining)
    {
        var index = Array.IndexOf(args, "--config");
        if (index < 0 || index + 1 >= args.Length)
        {
            remaining = args;
            return null;
        }

        remaining = [.. args[..index], .. args[(index + 2)..]];
        return args[index + 1];
    }
}
