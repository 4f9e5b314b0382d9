using Trent.Domain.Auth;

namespace Trent.Domain.Audit;

/// <summary>
/// One request, allowed or denied, as the audit trail records it (a CloudTrail event). Request parameters
/// and response elements arrive as ready JSON from which secrets were already left out.
/// </summary>
public sealed record AuditEvent
{
    public required DateTimeOffset EventTime { get; init; }
    public required string EventSource { get; init; }
    public required string EventName { get; init; }
    public required string Region { get; init; }
    public required string RequestId { get; init; }
    public required string EventId { get; init; }
    public required bool ReadOnly { get; init; }
    public string? SourceIpAddress { get; init; }
    public string? UserAgent { get; init; }

    /// <summary>Who made the request; null when it was not authenticated.</summary>
    public Principal? Principal { get; init; }

    /// <summary>The access key the request claimed, even when authentication failed.</summary>
    public string? ClaimedAccessKeyId { get; init; }

    public required string RecipientAccountId { get; init; }

    /// <summary>Set when the request is delivered to more than one account (see <see cref="CrossAccountDelivery"/>):
    /// the same in every copy, whose <see cref="EventId"/> and <see cref="RecipientAccountId"/> differ.</summary>
    public string? SharedEventId { get; init; }

    /// <summary>Other accounts whose keys the caller was authorized to use (see <see cref="CrossAccountDelivery"/>).</summary>
    public IReadOnlyList<string> KeyOwnerAccounts { get; init; } = [];

    /// <summary>This is the key owner's copy of another account's request: CloudTrail names the caller there
    /// only as an <c>AWSAccount</c> (account and principal ID), not by its ARN or access key.</summary>
    public bool IsResourceOwnerCopy => SharedEventId is not null && Principal is { } p && p.AccountId != RecipientAccountId;
    public IReadOnlyList<string> Resources { get; init; } = [];
    public ReadOnlyMemory<byte>? RequestParameters { get; init; }
    public ReadOnlyMemory<byte>? ResponseElements { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>Recovered from the intent journal: the request began, but whether its effect committed is
    /// not known (the server stopped, or its record could not be written, before the outcome was recorded).</summary>
    public bool OutcomeUnknown { get; init; }

    /// <summary>Work the service did by itself (CloudTrail's <c>AwsServiceEvent</c>: scheduled deletion,
    /// automatic rotation, expiry of imported material), on behalf of <see cref="RecipientAccountId"/>.</summary>
    public bool ServiceEvent { get; init; }
}
