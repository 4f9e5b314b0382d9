namespace Trent.Domain.Audit;

/// <summary>
/// Write-ahead intents for requests that may change state. Before such a request's effect can commit, its
/// record (as far as it is known: who, what, with which parameters) is made durable here; once the request's
/// own record is durable the intent is retired. A crash, or an audit write that fails after the effect
/// committed, therefore still leaves a record: at the next start every intent that was not retired becomes
/// a record whose outcome is marked unknown. The reverse, a state change with no record, cannot happen.
/// </summary>
public interface IAuditJournal
{
    /// <summary>Completes once <paramref name="provisional"/> is durable; throws if it could not be made so.</summary>
    ValueTask<AuditIntent> BeginAsync(AuditEvent provisional, CancellationToken cancellationToken);

    /// <summary>Retires an intent once the request's own record is durable.</summary>
    void Complete(AuditIntent intent);
}

/// <summary>A durable intent, retired with <see cref="IAuditJournal.Complete"/>.</summary>
public readonly record struct AuditIntent(long Ticket);
