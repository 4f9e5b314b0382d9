using Trent.Domain.Auth;
using Trent.Domain.Keys;

namespace Trent.Domain.Audit;

/// <summary>
/// One request's audit record while it is being handled: what the surface learns of it (who, what, the
/// parameters, the resources the domain touched), the write-ahead intent for a request that may change
/// state, and the final record. Every surface that acts on the domain records through one of these, so the
/// rule "no state change without its record" lives in one place.
/// </summary>
public sealed class AuditScope(IAuditSink sink, IAuditJournal? journal, TimeProvider clock, string region, string defaultAccountId)
{
    /// <summary>How often a record that could not be written after its effect may have committed is retried.</summary>
    public static readonly TimeSpan DeferredRetryInterval = TimeSpan.FromSeconds(1);

    private AuditIntent? _intent;
    private AuditEvent? _intentEvent;

    public required string EventSource { get; set; }

    public required string EventName { get; set; }

    public required string RequestId { get; init; }

    /// <summary>CloudTrail's readOnly flag; a request that is not read-only writes an intent before it acts.</summary>
    public bool ReadOnly { get; set; }

    public string? SourceIpAddress { get; init; }

    public string? UserAgent { get; init; }

    public Principal? Principal { get; set; }

    public string? ClaimedAccessKeyId { get; set; }

    /// <summary>The request's context, once authenticated: the resources the domain touched are read from it.</summary>
    public RequestContext? Context { get; set; }

    public byte[]? RequestParameters { get; set; }

    public byte[]? ResponseElements { get; set; }

    /// <summary>For a service event: the service acted by itself for this account, on these resources.</summary>
    public bool ServiceEvent { get; init; }

    public string? RecipientAccountId { get; init; }

    public IReadOnlyList<string>? Resources { get; init; }

    /// <summary>
    /// Call once the request is understood and before the domain acts on it: for a request that may change
    /// state, makes its intent durable. Throws <see cref="Errors.KmsException"/> (KMSInternal) if it cannot,
    /// so the request fails before anything changes.
    /// </summary>
    public async ValueTask BeginStateChangeAsync(CancellationToken cancellationToken)
    {
        if (ReadOnly || journal is null || _intent is not null)
        {
            return;
        }

        // Refused before anything changes: the record of a change made now might not be writable afterwards.
        if (!sink.Writable)
        {
            throw new Errors.KmsException(Errors.KmsErrorCode.KMSInternal, "The request could not be recorded in the audit trail.");
        }

        try
        {
            var provisional = ToEvent(null, null) with { OutcomeUnknown = true };
            _intent = await journal.BeginAsync(provisional, cancellationToken).ConfigureAwait(false);
            _intentEvent = provisional;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Errors.KmsException(Errors.KmsErrorCode.KMSInternal, "The request could not be recorded in the audit trail.");
        }
    }

    /// <summary>Writes the request's record (and the key owner's copy of a cross-account request) and
    /// completes once it is durable; then retires the intent.
    /// Throws when the record could not be made durable: the caller must not acknowledge the request.</summary>
    public async ValueTask RecordAsync(string? errorCode, string? errorMessage)
    {
        var copies = CrossAccountDelivery.Copies(ToEvent(errorCode, errorMessage));
        try
        {
            await (copies.Count == 1 ? sink.RecordAsync(copies[0], CancellationToken.None) : sink.RecordAsync(copies, CancellationToken.None)).ConfigureAwait(false);
        }
        catch when (_intent is { } open)
        {
            // The effect may have committed: its intent becomes a record (outcome unknown) as soon as the trail is
            // writable again, rather than only at the next start. Few can wait here: once the trail is not
            // writable, state changes are refused before their intent is written.
            _ = RecordWhenWritableAsync(_intentEvent!, open);
            _intent = null;
            throw;
        }

        if (_intent is { } intent)
        {
            journal!.Complete(intent);
        }
    }

    private async Task RecordWhenWritableAsync(AuditEvent unknown, AuditIntent intent)
    {
        // Bounded, so that a trail that never recovers leaves the intent to the next start's recovery.
        for (var attempt = 0; attempt < 3600; attempt++)
        {
            await Task.Delay(DeferredRetryInterval, clock).ConfigureAwait(false);
            if (!sink.Writable)
            {
                continue;
            }

            try
            {
                await sink.RecordAsync(unknown, CancellationToken.None).ConfigureAwait(false);
                journal!.Complete(intent);
                return;
            }
            catch (Exception)
            {
                // Still failing: tried again, and in the end recovered from the journal at the next start.
            }
        }
    }

    /// <summary>
    /// Runs work that is not an HTTP request (a CLI verb) under this scope as the request pipeline runs one:
    /// the intent first, then the work, then its record; a failure is recorded too, then rethrown.
    /// </summary>
    public async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> work, Func<T, byte[]?> responseElements, Func<Exception, string> errorCode, CancellationToken cancellationToken)
    {
        await BeginStateChangeAsync(cancellationToken).ConfigureAwait(false);
        T result;
        try
        {
            result = await work(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await RecordAsync(errorCode(e), e.Message).ConfigureAwait(false);
            throw;
        }

        ResponseElements = responseElements(result);
        await RecordAsync(null, null).ConfigureAwait(false);
        return result;
    }

    /// <summary>Retires the intent of work that turned out to change nothing (another node did it first).</summary>
    public void Abandon()
    {
        if (_intent is { } intent)
        {
            journal!.Complete(intent);
            _intent = null;
        }
    }

    private AuditEvent ToEvent(string? errorCode, string? errorMessage) => new()
    {
        EventTime = clock.GetUtcNow(),
        EventSource = EventSource,
        EventName = EventName,
        Region = Context?.Region.Name ?? region,
        RequestId = RequestId,
        EventId = Guid.NewGuid().ToString(),
        ReadOnly = ReadOnly,
        SourceIpAddress = SourceIpAddress,
        UserAgent = UserAgent,
        Principal = Principal,
        ClaimedAccessKeyId = ClaimedAccessKeyId,
        RecipientAccountId = RecipientAccountId ?? Principal?.AccountId ?? defaultAccountId,
        Resources = Resources ?? Context?.Resources ?? [],
        KeyOwnerAccounts = Context?.AuthorizedKeyOwners ?? [],
        ServiceEvent = ServiceEvent,
        RequestParameters = RequestParameters,
        ResponseElements = errorCode is null ? ResponseElements : null,
        ErrorCode = errorCode,
        ErrorMessage = errorMessage,
    };
}

/// <summary>Makes the <see cref="AuditScope"/> of each request (or background event) of this node.</summary>
public sealed class AuditScopeFactory(IAuditSink sink, TimeProvider clock, ServiceSettings settings, IAuditJournal? journal = null)
{
    /// <summary>The sourceIPAddress of what the operator does with the CLI.</summary>
    public const string OperatorSource = "trent-cli";

    public AuditScope Create(string eventSource, string eventName, string requestId, string? sourceIpAddress, string? userAgent) =>
        new(sink, journal, clock, settings.DefaultRegion.Name, settings.DefaultAccountId)
        {
            EventSource = eventSource,
            EventName = eventName,
            RequestId = requestId,
            SourceIpAddress = sourceIpAddress,
            UserAgent = userAgent,
        };

    /// <summary>
    /// A change the operator makes with a CLI verb on the data directory. Whoever holds the data directory holds
    /// every account, so the operator acts as the root of <paramref name="accountId"/>, with no access key;
    /// sourceIPAddress names the tool, as CloudTrail names a service that calls on a principal's behalf.
    /// </summary>
    public AuditScope CreateOperatorCommand(string eventSource, string eventName, string accountId, string userAgent) =>
        new(sink, journal, clock, settings.DefaultRegion.Name, settings.DefaultAccountId)
        {
            EventSource = eventSource,
            EventName = eventName,
            RequestId = Guid.NewGuid().ToString(),
            SourceIpAddress = OperatorSource,
            UserAgent = userAgent,
            Principal = Principal.AccountRoot(settings.Partition, accountId, accessKeyId: null),
        };

    /// <summary>A change the service makes by itself to <paramref name="key"/> (CloudTrail's AwsServiceEvent).</summary>
    public AuditScope CreateServiceEvent(string eventName, KeyRecord key) =>
        new(sink, journal, clock, key.Region, settings.DefaultAccountId)
        {
            EventSource = "kms.amazonaws.com",
            EventName = eventName,
            RequestId = Guid.NewGuid().ToString(),
            ServiceEvent = true,
            RecipientAccountId = key.AccountId,
            Resources = [key.Arn],
        };
}
