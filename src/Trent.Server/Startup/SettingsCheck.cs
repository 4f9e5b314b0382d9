namespace Trent.Server.Startup;

/// <summary>
/// Values that would otherwise fail deep inside the start (or hang it: a zero interval, no key-generation slot),
/// refused up front with the option that sets them. Type errors (a word where a number goes) are the command
/// line's to report, as it knows where the value came from.
/// </summary>
internal static class SettingsCheck
{
    private const long MinSegmentBytes = 64 * 1024;

    public static void Run(TrentServerOptions options)
    {
        AtLeast("--material-cache-capacity", "MaterialCacheCapacity", options.MaterialCacheCapacity, 1);
        AtLeast("--key-cache-capacity", "KeyCacheCapacity", options.KeyCacheCapacity, 0);
        AtLeast("--audit-segment-bytes", "AuditSegmentBytes", options.AuditSegmentBytes, MinSegmentBytes);
        AtLeast("--audit-journal-segment-bytes", "AuditJournalSegmentBytes", options.AuditJournalSegmentBytes, MinSegmentBytes);
        if (options.MaxConcurrentKeyGenerations is { } generations)
        {
            AtLeast("--max-key-generations", "MaxConcurrentKeyGenerations", generations, 1);
        }

        AtLeast("MaxQueuedKeyGenerations", "MaxQueuedKeyGenerations", options.MaxQueuedKeyGenerations, 0);
        AtLeast("MaxGrantsPerKey", "MaxGrantsPerKey", options.MaxGrantsPerKey, 1);
        if (options.Limits.MaxConcurrentConnections is { } connections)
        {
            AtLeast("--max-connections", "Limits:MaxConcurrentConnections", connections, 1);
        }

        Positive("--maintenance-interval", "MaintenanceInterval", options.MaintenanceInterval);
        Positive("--job-lease", "JobLeaseDuration", options.JobLeaseDuration);
        Positive("--audit-rotation-interval", "AuditRotationInterval", options.AuditRotationInterval);
        Positive("--audit-digest-interval", "AuditDigestInterval", options.AuditDigestInterval);
        Positive("--keep-alive-timeout", "Limits:KeepAliveTimeout", options.Limits.KeepAliveTimeout);
        Positive("--request-headers-timeout", "Limits:RequestHeadersTimeout", options.Limits.RequestHeadersTimeout);
        NotNegative("--key-cache-ttl", "KeyCacheTimeToLive", options.KeyCacheTimeToLive);
        NotNegative("--access-key-cache-ttl", "AccessKeyCacheTimeToLive", options.AccessKeyCacheTimeToLive);
        NotNegative("Limits:MinRequestBodyGracePeriod", "Limits:MinRequestBodyGracePeriod", options.Limits.MinRequestBodyGracePeriod);
        if (!double.IsFinite(options.Limits.MinRequestBodyBytesPerSecond) || options.Limits.MinRequestBodyBytesPerSecond < 0)
        {
            throw new StartupException($"--min-request-body-rate (Limits:MinRequestBodyBytesPerSecond) must be 0 or more; it is {options.Limits.MinRequestBodyBytesPerSecond}.");
        }

        if (options.AccountId.Length != 12 || !options.AccountId.All(char.IsAsciiDigit))
        {
            throw new StartupException($"--account-id: '{options.AccountId}' is not an account ID: it must be 12 digits.");
        }

        _ = HsmClustersOf(options);
        if (string.IsNullOrWhiteSpace(options.NodeName) || options.NodeName.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new StartupException($"--node-name: '{options.NodeName}' cannot name audit files (it must be non-empty, without '/' or '\\').");
        }
    }

    /// <summary>The declared HSM clusters, or the reason they cannot be used, in one line.</summary>
    public static Domain.CustomKeyStores.HsmClusters HsmClustersOf(TrentServerOptions options)
    {
        try
        {
            return new Domain.CustomKeyStores.HsmClusters(options.HsmClusters.Select(c =>
                new Domain.CustomKeyStores.HsmCluster(c.ClusterId, new Crypto.Pkcs11.Pkcs11TokenAddress(c.Module, c.TokenLabel), TrustAnchorOf(c))));
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"HsmClusters: {e.Message}");
        }
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2? TrustAnchorOf(HsmClusterOptions cluster)
    {
        if (string.IsNullOrEmpty(cluster.TrustAnchorCertificate))
        {
            return null;
        }

        string pem;
        try
        {
            pem = File.ReadAllText(cluster.TrustAnchorCertificate);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"HSM cluster {cluster.ClusterId}: the trust anchor certificate {cluster.TrustAnchorCertificate} cannot be read ({e.Message}).", e);
        }

        return Domain.CustomKeyStores.TrustAnchors.Parse(pem)
            ?? throw new ArgumentException($"HSM cluster {cluster.ClusterId}: {cluster.TrustAnchorCertificate} holds no PEM certificate.");
    }

    private static void AtLeast(string option, string key, long value, long minimum)
    {
        if (value < minimum)
        {
            throw new StartupException(option == key
                ? $"{key} must be at least {minimum}; it is {value}."
                : $"{option} ({key}) must be at least {minimum}; it is {value}.");
        }
    }

    private static void Positive(string option, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new StartupException($"{option} ({key}) must be longer than 0 (hh:mm:ss, e.g. 00:00:30); it is {value}.");
        }
    }

    private static void NotNegative(string option, string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            throw new StartupException(option == key ? $"{key} must not be negative; it is {value}." : $"{option} ({key}) must not be negative; it is {value}.");
        }
    }
}
