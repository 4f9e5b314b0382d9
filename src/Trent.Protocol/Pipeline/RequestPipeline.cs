using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Identity;
using Trent.Domain.Storage;
using Trent.Protocol.AwsJson;
using Trent.Protocol.Metrics;
using Trent.Protocol.SigV4;

namespace Trent.Protocol.Pipeline;

/// <summary>
/// The one path every HTTP request takes, whatever its protocol: read the body, authenticate (SigV4), load the
/// caller's identity into the request context, dispatch through the codec (the domain authorizes against the
/// resource it resolves, which only it knows), record the audit event durably, then answer, and count it.
/// The audit is recorded here and nowhere else, so no surface can answer a request that left no record:
/// a record that cannot be made durable turns the answer into an error (fail closed).
/// </summary>
public sealed partial class RequestPipeline(
    SigV4Verifier verifier,
    CallerIdentityLoader identities,
    AuditScopeFactory audits,
    RequestMetrics metrics,
    IStoreFaults storeFaults,
    ILogger<RequestPipeline> logger)
{
    public async Task RunAsync(HttpContext http, IProtocolCodec codec)
    {
        var started = Stopwatch.GetTimestamp();
        var request = http.Request;
        var requestId = RequestIds.Get(http);
        var call = codec.Identify(request);
        var sourceIp = http.Connection.RemoteIpAddress?.ToString();
        var audit = audits.Create(call.EventSource, call.EventName, requestId, sourceIp, request.Headers.UserAgent.ToString());
        IOperationOutcome? outcome = null;
        AwsError? error = null;

        try
        {
            using var body = await RequestBodyReader.ReadAsync(request, http.RequestAborted).ConfigureAwait(false);
            var (principal, region) = await verifier.VerifyAsync(request, body.WrittenMemory, call.Service, k => audit.ClaimedAccessKeyId = k, http.RequestAborted)
                .ConfigureAwait(false);
            audit.Principal = principal;
            var context = audit.Context = new RequestContext(principal, requestId, region) { SourceIp = sourceIp, SecureTransport = request.IsHttps };
            context.Identity = await identities.LoadOrRefuseAsync(principal, http.RequestAborted).ConfigureAwait(false);
            outcome = await codec.DispatchAsync(call, context, body.WrittenMemory, audit, http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            error = new AwsError("RequestCanceled", 499, "The client closed the connection.");
        }
        catch (Exception e) when (storeFaults.IsUnavailable(e))
        {
            // Fails at once (no hang, no acknowledgement); the client's retry finds the database back or the new primary.
            LogStoreUnavailable(logger, audit.EventName, requestId, e.Message);
            error = codec.Unavailable(call);
        }
        catch (Exception e) when (codec.Describe(e) is { } described)
        {
            error = described;
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, audit.EventName, requestId);
            error = codec.Internal;
        }

        try
        {
            await audit.RecordAsync(error?.Type, error?.Message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogAuditFailure(logger, e, requestId);
            outcome?.Wipe();
            outcome = null;
            error = codec.AuditUnavailable;
        }

        try
        {
            if (!http.RequestAborted.IsCancellationRequested)
            {
                await (outcome is not null ? codec.WriteAsync(http, call, outcome) : codec.WriteErrorAsync(http, call, error!)).ConfigureAwait(false);
            }
        }
        finally
        {
            outcome?.Wipe();
            metrics.Record(codec.MetricName(call, audit), error?.Type, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unexpected failure in {Operation} (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string operation, string requestId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The store is unavailable for {Operation} (request {RequestId}): {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string operation, string requestId, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "Audit record for request {RequestId} could not be written")]
    private static partial void LogAuditFailure(ILogger logger, Exception exception, string requestId);
}
