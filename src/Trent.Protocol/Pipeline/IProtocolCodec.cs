using Microsoft.AspNetCore.Http;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Protocol.AwsJson;

namespace Trent.Protocol.Pipeline;

/// <summary>
/// What one wire protocol contributes to the <see cref="RequestPipeline"/>: how a request is named before it
/// is authenticated, how it is dispatched once it is, how failures map to the protocol's errors and how answers
/// are written. A codec never authenticates, never records the audit and never decides whether to answer:
/// those stay in the pipeline, the same for every surface.
/// </summary>
public interface IProtocolCodec
{
    /// <summary>The call as far as it can be named from the headers alone.</summary>
    ProtocolCall Identify(HttpRequest request);

    /// <summary>Parses and runs an authenticated request. Hands its parameters to <paramref name="audit"/> as
    /// soon as they parse, and calls <see cref="AuditScope.BeginStateChangeAsync"/> before the domain acts.</summary>
    Task<IOperationOutcome> DispatchAsync(ProtocolCall call, RequestContext context, ReadOnlyMemory<byte> body, AuditScope audit, CancellationToken cancellationToken);

    /// <summary>The protocol's error for a failure, or null for an unexpected one (answered with <see cref="Internal"/>).</summary>
    AwsError? Describe(Exception exception);

    /// <summary>The answer to an unexpected failure.</summary>
    AwsError Internal { get; }

    /// <summary>The answer when the store's database is unavailable (a failover, a restart): a server error the SDKs
    /// retry, and nothing was acknowledged.</summary>
    AwsError Unavailable(ProtocolCall call);

    /// <summary>The answer when the audit record could not be made durable (the request is not acknowledged).</summary>
    AwsError AuditUnavailable { get; }

    Task WriteAsync(HttpContext http, ProtocolCall call, IOperationOutcome outcome);

    Task WriteErrorAsync(HttpContext http, ProtocolCall call, AwsError error);

    /// <summary>The metrics label of a call: only names the protocol knows, so that callers cannot grow the label set.</summary>
    string MetricName(ProtocolCall call, AuditScope audit);
}

/// <summary>One call as the codec named it before authentication.</summary>
/// <param name="Service">The SigV4 service the request must be signed for (<c>kms</c>, <c>cloudtrail</c>, <c>iam</c>, <c>sts</c>).</param>
/// <param name="EventSource">CloudTrail's eventSource.</param>
/// <param name="EventName">CloudTrail's eventName as far as the headers tell it (the codec may refine it on the audit scope).</param>
/// <param name="Operation">The protocol's own name of what was asked (the X-Amz-Target), for dispatch.</param>
public readonly record struct ProtocolCall(string Service, string EventSource, string EventName, string Operation);
