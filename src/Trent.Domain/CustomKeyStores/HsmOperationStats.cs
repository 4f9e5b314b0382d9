using System.Diagnostics;

namespace Trent.Domain.CustomKeyStores;

/// <summary>
/// Counts of the cryptographic operations run in custom key store tokens, their failures, and the time they took
/// (totals, read by the metrics listener as counters: rate of seconds over rate of operations is the mean latency).
/// Recording takes no lock and allocates nothing.
/// </summary>
public sealed class HsmOperationStats
{
    private long _operations;
    private long _errors;
    private long _elapsedTicks;

    public long Operations => Interlocked.Read(ref _operations);

    public long Errors => Interlocked.Read(ref _errors);

    public double Seconds => (double)Interlocked.Read(ref _elapsedTicks) / Stopwatch.Frequency;

    /// <summary>Records one operation begun at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Record(long startTimestamp, bool failed)
    {
        Interlocked.Add(ref _elapsedTicks, Stopwatch.GetTimestamp() - startTimestamp);
        Interlocked.Increment(ref _operations);
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }
    }
}
