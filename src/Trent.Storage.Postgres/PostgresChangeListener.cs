using System.Text.Json;
using Npgsql;
using Trent.Domain.Storage;

namespace Trent.Storage.Postgres;

/// <summary>
/// This node's ear on the <c>trent_changes</c> channel (see migration 3): one dedicated connection that LISTENs,
/// raising <see cref="Changed"/> per committed change. The connection is probed every <see cref="ProbeInterval"/>;
/// each answered probe proves every change committed before it was sent has been delivered
/// (<see cref="IAnnouncementCoverage"/>: PostgreSQL sends a listener its pending notifications before it answers its
/// next command). When the connection is lost it is made again (retrying every <see cref="RetryDelay"/>), and
/// <see cref="Reset"/> is raised once it listens again, since notifications sent meanwhile are gone.
/// <see cref="Reset"/> is also raised when listening starts.
/// </summary>
public sealed class PostgresChangeListener(PostgresDatabase database) : IStoreChanges, IAnnouncementCoverage, IAsyncDisposable
{
    public const string Channel = "trent_changes";

    /// <summary>The listening connection's application_name, to tell it apart in pg_stat_activity.</summary>
    public const string ApplicationName = "trent-listener";

    /// <summary>Half the default key cache time to live (1 s), so that a healthy connection keeps warm rows covered.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private long _resets;
    private long _epoch;
    private int _disposed;
    private volatile AnnouncementCoverage _coverage = AnnouncementCoverage.None;

    public event Action<StoreChange>? Changed;

    public event Action? Reset;

    /// <summary>How many times listening (re)started: 1 after the first connection.</summary>
    public long Resets => Interlocked.Read(ref _resets);

    /// <summary>Whether the listening connection is up now.</summary>
    public bool Listening { get; private set; }

    public AnnouncementCoverage Current => _coverage;

    /// <summary>Starts listening; completes once the first LISTEN is in place (or <paramref name="cancellationToken"/> gives up waiting).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        await _listening.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Idempotent: the container disposes it once per service it is registered as.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.ListeningSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += OnNotification;
                var sent = TimeProvider.System.GetTimestamp();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                Listening = true;
                var epoch = Interlocked.Increment(ref _epoch);
                Interlocked.Increment(ref _resets);
                Reset?.Invoke();
                // What was cached before this epoch is gone (Reset); what is cached from now on was read after the LISTEN.
                _coverage = new AnnouncementCoverage(epoch, sent);
                _listening.TrySetResult();
                while (!stop.IsCancellationRequested)
                {
                    var wait = ProbeInterval - TimeProvider.System.GetElapsedTime(sent);
                    if (wait > TimeSpan.Zero && await connection.WaitAsync(wait, stop).ConfigureAwait(false))
                    {
                        continue; // a notification, handled by OnNotification; probe on schedule all the same
                    }

                    // Proves the connection alive (a lost one is made again, and caches cleared, soon) and that every
                    // change committed before the probe was sent has been heard.
                    sent = TimeProvider.System.GetTimestamp();
                    await using var probe = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 5 };
                    await probe.ExecuteScalarAsync(stop).ConfigureAwait(false);
                    _coverage = new AnnouncementCoverage(epoch, sent);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // Lost or never made: what was announced meanwhile is gone, so the next LISTEN resets every cache.
            }

            Listening = false;
            _coverage = new AnnouncementCoverage(Interlocked.Increment(ref _epoch), 0);
            try
            {
                await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Listening = false;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (Parse(e.Payload) is { } change)
        {
            Changed?.Invoke(change);
        }
        else
        {
            // Not understood (a newer node's announcement?): forgetting everything is always safe.
            Reset?.Invoke();
        }
    }

    internal static StoreChange? Parse(string payload)
    {
        try
        {
            var parts = JsonSerializer.Deserialize(payload, ChangeJsonContext.Default.StringArray);
            return parts is [var entity, var account, var region, var id]
                && Enum.TryParse<ChangedEntity>(entity, out var kind) && account is not null && id is not null
                ? new StoreChange(kind, account, region ?? string.Empty, id)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string?[]))]
internal sealed partial class ChangeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
