using Microsoft.AspNetCore.Server.Kestrel.Core;
using Trent.Protocol.AwsJson;

namespace Trent.Server;

/// <summary>
/// Connection and request limits, so that a flood of idle or slow connections is shed rather than
/// exhausting file descriptors (which stops all service and can crash the runtime).
/// </summary>
public sealed class KestrelLimits
{
    /// <summary>Open connections at most; beyond it new ones are closed at once. Default: below the
    /// process's open-file limit (which .NET raises to the hard limit at start), at most 10,000.</summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>An idle keep-alive connection is closed after this.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection that has not sent its request headers by then is closed.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A body arriving slower than this (after <see cref="MinRequestBodyGracePeriod"/>) is cut off.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 1024;

    public TimeSpan MinRequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; set; } = 100;

    public void Apply(KestrelServerLimits limits)
    {
        limits.MaxConcurrentConnections = MaxConcurrentConnections ?? DefaultMaxConnections();
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = MinRequestBodyBytesPerSecond > 0 ? new MinDataRate(MinRequestBodyBytesPerSecond, MinRequestBodyGracePeriod) : null;
        limits.MaxRequestBodySize = RequestBodyReader.MaxBodyBytes;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
    }

    /// <summary>The open-file limit less room for the database, audit files and outgoing sockets.</summary>
    private static long DefaultMaxConnections()
    {
        const long Ceiling = 10_000, Reserve = 256;
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (long.TryParse(soft, out var limit))
            {
                return Math.Clamp(limit - Reserve, 64, Ceiling);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 1_000;
    }
}
