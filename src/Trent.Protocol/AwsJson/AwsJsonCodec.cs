using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Protocol.Pipeline;
using Trent.Protocol.Quotas;

namespace Trent.Protocol.AwsJson;

/// <summary>
/// The awsJson1_1 protocol (<c>POST /</c> with <c>X-Amz-Target: TrentService.&lt;Op&gt;</c>, and CloudTrail's
/// LookupEvents): dispatch on the target under the caller's request quota, JSON answers and <c>__type</c> errors.
/// </summary>
public sealed class AwsJsonCodec(KmsOperationRegistry registry, RequestQuotas quotas) : IProtocolCodec
{
    public const string ContentType = "application/x-amz-json-1.1";

    public AwsError Internal => AwsError.Internal();

    public AwsError AuditUnavailable => AwsError.AuditUnavailable;

    /// <summary>The operations whose AWS model lists no DependencyTimeoutException: they answer KMSInternalException.</summary>
    private static readonly HashSet<string> WithoutDependencyTimeout = new(StringComparer.Ordinal)
    {
        "GenerateMac", "VerifyMac", "TagResource", "UntagResource", "ListResourceTags", "ListKeyRotations", "ReplicateKey", "UpdatePrimaryRegion",
        "CreateCustomKeyStore", "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "DeleteCustomKeyStore", "DescribeCustomKeyStores", "UpdateCustomKeyStore",
    };

    /// <summary>DependencyTimeoutException (503) is KMS's own "a system it depends on did not answer, retry" fault, in
    /// the model of nearly every operation; the SDKs retry it (5xx). The rest answer their modelled fault,
    /// KMSInternalException (500), retried as well; CloudTrail answers the front end's ServiceUnavailable (503).</summary>
    public AwsError Unavailable(ProtocolCall call) =>
        call.Service == "cloudtrail" ? new AwsError("ServiceUnavailable", 503, "Service is unavailable. Retry the request.")
        : WithoutDependencyTimeout.Contains(call.EventName) ? new AwsError("KMSInternalException", 500, UnavailableMessage)
        : DependencyTimeout;

    /// <summary>KMS's retryable "a system it depends on did not answer" (503).</summary>
    public static AwsError DependencyTimeout { get; } = new("DependencyTimeoutException", 503, UnavailableMessage);

    private const string UnavailableMessage = "The system timed out while trying to fulfill the request. You can retry the request.";

    public ProtocolCall Identify(HttpRequest request)
    {
        var target = request.Headers["X-Amz-Target"].ToString();
        return KmsOperationRegistry.IsCloudTrail(target)
            ? new ProtocolCall("cloudtrail", "cloudtrail.amazonaws.com", KmsOperationRegistry.EventName(target), target)
            : new ProtocolCall("kms", "kms.amazonaws.com", KmsOperationRegistry.EventName(target), target);
    }

    public Task<IOperationOutcome> DispatchAsync(
        ProtocolCall call, RequestContext context, ReadOnlyMemory<byte> body, AuditScope audit, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(call.Operation, out var operation))
        {
            throw KmsOperationRegistry.IsKnownButUnimplemented(call.Operation)
                ? KmsErrors.Unsupported($"{call.EventName} is not supported by this Trent server yet.")
                : new AwsProtocolException(AwsError.UnknownOperation(call.Operation.Length == 0 ? null : call.Operation));
        }

        audit.ReadOnly = operation.ReadOnly;
        quotas.Take(context.Caller.AccountId, context.Region.Name, operation.Name);
        return operation.InvokeAsync(context, body, audit, cancellationToken);
    }

    public AwsError? Describe(Exception exception) => exception switch
    {
        AwsProtocolException e => e.Error,
        KmsException e => AwsError.From(e),
        _ => null,
    };

    public async Task WriteAsync(HttpContext http, ProtocolCall call, IOperationOutcome outcome)
    {
        using var body = new PooledBufferWriter();
        outcome.WriteBody(body);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = body.WrittenMemory.Length;
        await http.Response.Body.WriteAsync(body.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
    }

    public Task WriteErrorAsync(HttpContext http, ProtocolCall call, AwsError error) => WriteErrorAsync(http, error);

    /// <summary>An awsJson error body; also what the HTTP layer answers for requests no endpoint took.</summary>
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

    public string MetricName(ProtocolCall call, AuditScope audit) =>
        registry.TryGet(call.Operation, out _) || KmsOperationRegistry.IsKnownButUnimplemented(call.Operation) ? call.EventName : "Unknown";
}
