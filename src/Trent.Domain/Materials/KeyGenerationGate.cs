using Trent.Domain.Errors;

namespace Trent.Domain.Materials;

/// <summary>
/// Bounds how many key pairs are generated at once (an RSA-4096 pair can take a core for a second or
/// more, ML-DSA and RSA-3072 less but still far more than any other request), so that a burst of
/// CreateKey or GenerateDataKeyPair calls cannot take every core from Encrypt and Decrypt. Callers past
/// the bound wait their turn asynchronously; when too many already wait, the call is throttled with
/// AWS's ThrottlingException, which every AWS SDK retries with backoff.
/// </summary>
public sealed class KeyGenerationGate
{
    public const string ThrottlingMessage = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.";
    private readonly SemaphoreSlim _slots;
    private readonly int _maxPending;
    private int _pending;
    private int _running;
    private int _peakRunning;

    public KeyGenerationGate(int? concurrency = null, int maxQueued = 64)
    {
        Concurrency = Math.Max(1, concurrency ?? Environment.ProcessorCount);
        _slots = new SemaphoreSlim(Concurrency, Concurrency);
        _maxPending = Concurrency + Math.Max(0, maxQueued);
    }

    public int Concurrency { get; }

    /// <summary>Generations running now (a gauge).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>The most generations that ever ran at once: never above <see cref="Concurrency"/>.</summary>
    public int PeakRunning => Volatile.Read(ref _peakRunning);

    /// <summary>Generations running or waiting for a turn.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Runs <paramref name="generate"/> when a turn is free.</summary>
    public async ValueTask<T> RunAsync<T>(Func<T> generate, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _pending) > _maxPending)
        {
            Interlocked.Decrement(ref _pending);
            throw new KmsException(KmsErrorCode.Throttling, ThrottlingMessage);
        }

        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var running = Interlocked.Increment(ref _running);
                for (var peak = Volatile.Read(ref _peakRunning); running > peak; peak = Volatile.Read(ref _peakRunning))
                {
                    Interlocked.CompareExchange(ref _peakRunning, running, peak);
                }

                return generate();
            }
            finally
            {
                Interlocked.Decrement(ref _running);
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }
}
