using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Trent.Protocol.Metrics;

/// <summary>Request counts and latencies by operation and error type, on the "Trent" meter.</summary>
public sealed class RequestMetrics
{
    public const string MeterName = "Trent";
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public RequestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("trent.requests", description: "KMS API requests by operation and error type (empty when successful).");
        _duration = meter.CreateHistogram<double>(
            "trent.request.duration", unit: "s", description: "Time to answer KMS API requests, including the durable audit record.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
    }

    public void Record(string operation, string? errorType, double seconds)
    {
        var tags = new TagList { { "operation", operation }, { "error_type", errorType ?? string.Empty } };
        _requests.Add(1, tags);
        _duration.Record(seconds, new KeyValuePair<string, object?>("operation", operation));
    }
}
