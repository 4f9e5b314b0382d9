using System.Diagnostics;

namespace Trent.Bench;

/// <summary>One request to send: the operation and its JSON body.</summary>
public readonly record struct BenchRequest(string Operation, byte[] Body);

/// <summary>The outcome of one workload run.</summary>
public sealed record LoadResult(
    string Workload, int Concurrency, double Seconds, long Requests, long Errors, double RequestsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, string? FirstError)
{
    public double? CeilingRatio { get; init; }
}

/// <summary>
/// Closed-loop load (each worker sends its next request when the previous one is answered), or paced load
/// at a fixed total rate, where latency counts from the moment a request was due so that a stalled server
/// cannot hide its delay (no coordinated omission).
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(
        string name,
        KmsClient client,
        Func<Random, BenchRequest> next,
        int concurrency,
        TimeSpan duration,
        TimeSpan warmup,
        long? maxRequests = null,
        double? rate = null)
    {
        if (warmup > TimeSpan.Zero)
        {
            await RunWorkersAsync(client, next, concurrency, warmup, null, rate, record: false).ConfigureAwait(false);
        }

        var stopwatch = Stopwatch.StartNew();
        var workers = await RunWorkersAsync(client, next, concurrency, duration, maxRequests, rate, record: true).ConfigureAwait(false);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var latencies = workers.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        var requests = latencies.Length;
        var errors = workers.Sum(w => w.Errors);
        return new LoadResult(
            name, concurrency, seconds, requests, errors, requests / seconds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.90), Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : Ms(latencies[^1]),
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null));
    }

    private static async Task<Worker[]> RunWorkersAsync(
        KmsClient client, Func<Random, BenchRequest> next, int concurrency, TimeSpan duration, long? maxRequests, double? rate, bool record)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var remaining = maxRequests ?? long.MaxValue;
        var workers = Enumerable.Range(0, concurrency).Select(i => new Worker(record, i)).ToArray();
        var interval = rate is > 0 ? (long)(Stopwatch.Frequency * concurrency / rate.Value) : 0;
        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            var due = Stopwatch.GetTimestamp() + (interval * worker.Index / Math.Max(1, concurrency));
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Decrement(ref remaining) >= 0)
            {
                if (interval > 0)
                {
                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency)).ConfigureAwait(false);
                    }
                }

                var start = interval > 0 ? due : Stopwatch.GetTimestamp();
                var request = next(worker.Random);
                try
                {
                    var (status, body) = await client.SendAsync(request.Operation, request.Body, readBody: false, CancellationToken.None).ConfigureAwait(false);
                    if (status != 200)
                    {
                        worker.Fail($"{request.Operation}: HTTP {status} {System.Text.Encoding.UTF8.GetString(body ?? [])}");
                    }
                }
                catch (HttpRequestException e)
                {
                    worker.Fail($"{request.Operation}: {e.Message}");
                }

                worker.Record(Stopwatch.GetTimestamp() - start);
                due += interval;
            }
        }))).ConfigureAwait(false);
        return workers;
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Ms(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)]);

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private sealed class Worker(bool record, int index)
    {
        public int Index { get; } = index;

        public Random Random { get; } = new(index * 7919 + 17);

        public List<long> Latencies { get; } = new(record ? 65536 : 0);

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public void Record(long ticks)
        {
            if (record)
            {
                Latencies.Add(ticks);
            }
        }

        public void Fail(string error)
        {
            Errors++;
            FirstError ??= error;
        }
    }
}
