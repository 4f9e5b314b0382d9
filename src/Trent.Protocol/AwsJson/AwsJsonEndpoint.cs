using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Trent.Domain;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Identity;
using Trent.Protocol.Metrics;
using Trent.Protocol.Quotas;
using Trent.Protocol.SigV4;

namespace Trent.Protocol.AwsJson;

/// <summary>
/// The awsJson1_1 endpoint (<c>POST /</c>): read the body, verify SigV4, dispatch on <c>X-Amz-Target</c>,
/// record the audit event (durably, before answering) and write the response or the AWS error.
/// </summary>
public sealed partial class AwsJsonEndpoint(
    KmsOperationRegistry registry,
    SigV4Verifier verifier,
    RequestQuotas quotas,
    AuditScopeFactory audits,
    RequestMetrics metrics,
    ILogger<AwsJsonEndpoint> logger,
    CallerIdentityLoader? identities = null)
{
    public const string ContentType = "application/x-amz-json-1.1";

    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var request = http.Request;
        var requestId = RequestIds.Get(http);
        var target = request.Headers["X-Amz-Target"].ToString();
        var eventName = KmsOperationRegistry.EventName(target);
        var cloudTrail = KmsOperationRegistry.IsCloudTrail(target);
        var audit = audits.Create(
            cloudTrail ? "cloudtrail.amazonaws.com" : "kms.amazonaws.com", eventName, requestId,
            http.Connection.RemoteIpAddress?.ToString(), request.Headers.UserAgent.ToString());
        IOperationOutcome? outcome = null;
        AwsError? error = null;

        try
        {
            using (var body = await RequestBodyReader.ReadAsync(request, http.RequestAborted).ConfigureAwait(false))
            {
                var principal = await verifier.VerifyAsync(request, body.WrittenMemory, cloudTrail ? "cloudtrail" : "kms", k => audit.ClaimedAccessKeyId = k, http.RequestAborted)
                    .ConfigureAwait(false);
                audit.Principal = principal;
                var context = audit.Context = new RequestContext(principal, requestId)
                {
                    SourceIp = http.Connection.RemoteIpAddress?.ToString(),
                    SecureTransport = request.IsHttps,
                };
                if (identities is not null)
                {
                    context.Identity = await identities.LoadOrRefuseAsync(principal, http.RequestAborted).ConfigureAwait(false);
                }

                if (!registry.TryGet(target, out var operation))
                {
                    throw KmsOperationRegistry.IsKnownButUnimplemented(target)
                        ? KmsErrors.Unsupported($"{eventName} is not supported by this Trent server yet.")
                        : new AwsProtocolException(AwsError.UnknownOperation(target.Length == 0 ? null : target));
                }

                audit.ReadOnly = operation.ReadOnly;
                quotas.Take(principal.AccountId, operation.Name);
                outcome = await operation.InvokeAsync(context, body.WrittenMemory, audit, http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (AwsProtocolException e)
        {
            error = e.Error;
        }
        catch (KmsException e)
        {
            error = AwsError.From(e);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            error = new AwsError("RequestCanceled", 499, "The client closed the connection.");
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, eventName, requestId);
            error = AwsError.Internal();
        }

        try
        {
            await audit.RecordAsync(error?.Type, error?.Message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Fail closed: a request whose audit record could not be made durable is not acknowledged.
            LogAuditFailure(logger, e, requestId);
            outcome?.Wipe();
            outcome = null;
            error = new AwsError("KMSInternalException", 500, "The request could not be recorded in the audit trail.");
        }

        try
        {
            if (!http.RequestAborted.IsCancellationRequested)
            {
                await (outcome is not null ? WriteSuccessAsync(http, outcome) : WriteErrorAsync(http, error!)).ConfigureAwait(false);
            }
        }
        finally
        {
            outcome?.Wipe();
            // Only known operation names become metric labels: a caller must not be able to grow the label set.
            var operationLabel = registry.TryGet(target, out _) || KmsOperationRegistry.IsKnownButUnimplemented(target) ? eventName : "Unknown";
            metrics.Record(operationLabel, error?.Type, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private static async Task WriteSuccessAsync(HttpContext http, IOperationOutcome outcome)
    {
        using var body = new PooledBufferWriter();
        outcome.WriteBody(body);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = body.WrittenMemory.Length;
        await http.Response.Body.WriteAsync(body.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteErrorAsync(HttpContext http, AwsError error)
    {
        using var body = new PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", error.Type);
            if (error.Message is not null)
            {
                writer.WriteString("message", error.Message);
            }

            writer.WriteEndObject();
        }

        http.Response.StatusCode = error.Status;
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = body.WrittenMemory.Length;
        await http.Response.Body.WriteAsync(body.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unexpected failure in {Operation} (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string operation, string requestId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "Audit record for request {RequestId} could not be written")]
    private static partial void LogAuditFailure(ILogger logger, Exception exception, string requestId);
}
