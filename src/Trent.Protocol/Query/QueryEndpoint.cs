using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Trent.Domain;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Identity;
using Trent.Protocol.AwsJson;
using Trent.Protocol.SigV4;

namespace Trent.Protocol.Query;

/// <summary>
/// The AWS query protocol on <c>POST /</c> (form-encoded <c>Action=…&amp;Version=…</c>, no X-Amz-Target) for
/// IAM and STS, told apart by the service the request was signed for. XML responses and ErrorResponses as
/// AWS sends them; every request, allowed or denied, is audited like a KMS request.
/// </summary>
public sealed partial class QueryEndpoint(
    SigV4Verifier verifier,
    CallerIdentityLoader identities,
    IamActions iam,
    StsActions sts,
    AuditScopeFactory audits,
    ILogger<QueryEndpoint> logger)
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    /// <summary>Whether a request is for this endpoint rather than the awsJson one.</summary>
    public static bool Accepts(HttpRequest request) =>
        !request.Headers.ContainsKey("X-Amz-Target")
        && request.ContentType is { } type && type.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var requestId = RequestIds.Get(http);
        var service = SignedService(request.Headers.Authorization.ToString());
        var ns = service == "iam" ? QueryXml.IamNamespace : QueryXml.StsNamespace;
        var audit = audits.Create(service + ".amazonaws.com", "Unknown", requestId, http.Connection.RemoteIpAddress?.ToString(), request.Headers.UserAgent.ToString());
        byte[] body;
        var status = StatusCodes.Status200OK;
        string? errorCode = null;
        string? errorMessage = null;

        try
        {
            using (var raw = await RequestBodyReader.ReadAsync(request, http.RequestAborted).ConfigureAwait(false))
            {
                var principal = audit.Principal = await verifier.VerifyAsync(request, raw.WrittenMemory, service, k => audit.ClaimedAccessKeyId = k, http.RequestAborted)
                    .ConfigureAwait(false);
                var form = ParseForm(raw.WrittenMemory.Span);
                var action = audit.EventName = form.Action ?? throw new IamException("MissingAction", 400, "Missing Action");
                audit.ReadOnly = service == "sts" || IsReadOnly(action);
                audit.RequestParameters = AuditParameters(form);
                if (!(service == "iam" ? IamActions.Names : StsActions.Names).Contains(action))
                {
                    throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version {(service == "iam" ? "2010-05-08" : "2011-06-15")}");
                }

                QueryConstraints.Check(action, form);
                var context = new RequestContext(principal, requestId)
                {
                    SourceIp = http.Connection.RemoteIpAddress?.ToString(),
                    SecureTransport = request.IsHttps,
                };
                context.Identity = await identities.LoadOrRefuseAsync(principal, http.RequestAborted).ConfigureAwait(false);
                await audit.BeginStateChangeAsync(http.RequestAborted).ConfigureAwait(false);
                var result = service == "iam"
                    ? await iam.RunAsync(action, form, context, http.RequestAborted).ConfigureAwait(false)
                    : await sts.RunAsync(action, form, context, http.RequestAborted).ConfigureAwait(false);
                body = QueryXml.Response(action, ns, requestId, result);
            }
        }
        catch (Exception e) when (Describe(e) is { } error)
        {
            (status, errorCode, errorMessage) = error;
            body = QueryXml.Error(ns, errorCode, errorMessage, requestId, sender: status < 500);
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, audit.EventName, requestId);
            (status, errorCode, errorMessage) = (500, "ServiceFailure", "The request could not be completed because of an internal error.");
            body = QueryXml.Error(ns, errorCode, errorMessage, requestId, sender: false);
        }

        try
        {
            await audit.RecordAsync(errorCode, errorMessage).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Fail closed, as the KMS endpoint does: an unaudited request is not acknowledged.
            LogAuditFailure(logger, e, requestId);
            status = 500;
            body = QueryXml.Error(ns, "ServiceFailure", "The request could not be recorded in the audit trail.", requestId, sender: false);
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/xml";
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>CloudTrail's readOnly flag for IAM: Get* and List* read; anything else may change state. STS
    /// changes no stored state (sessions are self-contained tokens).</summary>
    private static bool IsReadOnly(string action) =>
        action.StartsWith("Get", StringComparison.Ordinal) || action.StartsWith("List", StringComparison.Ordinal);

    /// <summary>The service in the Authorization header's credential scope (iam or sts); STS when it cannot be read.</summary>
    private static string SignedService(string authorization)
    {
        var credential = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (credential >= 0)
        {
            var parts = authorization[(credential + "Credential=".Length)..].Split(',', 2)[0].Split('/');
            if (parts.Length == 5 && parts[3] is "iam" or "sts")
            {
                return parts[3];
            }
        }

        return "sts";
    }

    /// <summary>The query protocol's error code, status and message for a failure, or null for an unexpected one.</summary>
    private static (int Status, string Code, string? Message)? Describe(Exception e) => e switch
    {
        IamException iam => (iam.Status, iam.Code, iam.Message),
        KmsException { Code: KmsErrorCode.AccessDenied } denied => (403, "AccessDenied", denied.Message),
        KmsException { Code: KmsErrorCode.KMSInternal } failed => (500, "ServiceFailure", failed.Message),
        AwsProtocolException protocol => protocol.Error.Type switch
        {
            "UnrecognizedClientException" => (403, "InvalidClientTokenId", protocol.Error.Message),
            "InvalidSignatureException" when protocol.Error.Message?.StartsWith("The request signature", StringComparison.Ordinal) == true
                || protocol.Error.Message?.EndsWith("must be a 'SignedHeader' in the AWS Authorization.", StringComparison.Ordinal) == true =>
                (403, "SignatureDoesNotMatch", protocol.Error.Message),
            "ExpiredTokenException" => (400, "ExpiredToken", protocol.Error.Message),
            "MissingAuthenticationTokenException" => (403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
            var type => (protocol.Error.Status, type.EndsWith("Exception", StringComparison.Ordinal) ? type[..^"Exception".Length] : type, protocol.Error.Message),
        },
        _ => null,
    };

    /// <summary>
    /// The form's parameters. A repeated parameter keeps its first value rather than the comma-joined list
    /// (which would be a value nobody sent), and decoded text that is not valid UTF-16 (a percent-encoded lone surrogate) is
    /// repaired, so that no value can break validation, the XML answer or the audit record.
    /// </summary>
    private static QueryRequest ParseForm(ReadOnlySpan<byte> body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            parameters.TryAdd(Repair(name), Repair(values.Count > 0 ? values[0] ?? string.Empty : string.Empty));
        }

        return new QueryRequest(parameters);
    }

    private static string Repair(string text) =>
        text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') ? Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)) : text;

    private static byte[] AuditParameters(QueryRequest form)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in form.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                // An empty parameter name ("=x") is not a member: it is left out rather than breaking the record.
                if (name is not ("Action" or "Version" or ""))
                {
                    var member = QueryRequest.MemberPath(name);
                    writer.WritePropertyName(AuditJsonWriter.BoundedKey(member));
                    AuditBounds.WriteString(writer, value, AuditBounds.IsPolicyMember(member) ? AuditBounds.MaxPolicyBytes : AuditBounds.MaxStringBytes);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Unexpected failure in {Action} (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string action, string requestId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Critical, Message = "Audit record for request {RequestId} could not be written")]
    private static partial void LogAuditFailure(ILogger logger, Exception exception, string requestId);
}
