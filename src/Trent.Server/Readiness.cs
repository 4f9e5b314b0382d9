using System.Security.Cryptography;
using Trent.Audit;
using Trent.Audit.Journal;
using Trent.Crypto.Sealing;
using Trent.Domain.Storage;

namespace Trent.Server;

/// <summary>
/// Ready means: the store answers, the root key is loaded and seals and unseals, and the audit trail (log and
/// intent journal) accepts writes: without it every request fails closed, so a balancer should look elsewhere.
/// </summary>
public static class Readiness
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    public static async Task<string?> CheckAsync(IKeyStore keys, Sealer sealer, FileAuditLog log, AuditIntentJournal journal, CancellationToken cancellationToken)
    {
        if (!log.Writable || !journal.Writable)
        {
            return "the audit trail is unavailable (writing it failed; retried every second)";
        }

        // Bounded: a balancer's probe gets its answer in seconds even when the database does not answer at all.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(PingTimeout);
        try
        {
            await keys.PingAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the database's own message: it names hosts, and the probe is open to every caller of the API.
            return e is OperationCanceledException
                ? "the key store is not reachable (no answer within 3 s)"
                : "the key store is not reachable or cannot take writes";
        }

        try
        {
            var probe = sealer.Seal([1, 2, 3], "trent:readiness"u8);
            var back = new byte[3];
            sealer.Unseal(probe, "trent:readiness"u8, back);
            return back is [1, 2, 3] ? null : "the root key does not round-trip";
        }
        catch (Exception e) when (e is CryptographicException or ObjectDisposedException)
        {
            return "the root key is not loaded";
        }
    }

    /// <summary>One line per custom key store this node is logged in to, and whether its token still answers
    /// (a store's keys are unavailable without it, but the node still serves every other key: it stays ready).</summary>
    public static string CustomKeyStores(Domain.CustomKeyStores.CustomKeyStoreConnections connections) =>
        string.Concat(connections.Connected().Select(c => $"custom key store {c.CustomKeyStoreId}: {(c.Present ? "connected" : "connected, token not answering")}\n"));
}
