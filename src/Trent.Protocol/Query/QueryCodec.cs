using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Trent.Domain;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Identity;
using Trent.Protocol.AwsJson;
using Trent.Protocol.Pipeline;

namespace Trent.Protocol.Query;

/// <summary>
/// The AWS query protocol on <c>POST /</c> (form-encoded <c>Action=…&amp;Version=…</c>, no X-Amz-Target) for
/// IAM and STS, told apart by the service the request was signed for. XML responses and ErrorResponses as
/// AWS sends them; every request, allowed or denied, is audited like a KMS request.
/// </summary>
public sealed class QueryCodec(IamActions iam, StsActions sts) : IProtocolCodec
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    public AwsError Internal { get; } = new("ServiceFailure", 500, "The request could not be completed because of an internal error.");

    public AwsError AuditUnavailable { get; } = new("ServiceFailure", 500, "The request could not be recorded in the audit trail.");

    /// <summary>Whether a request is for this protocol rather than awsJson.</summary>
    public static bool Accepts(HttpRequest request) =>
        !request.Headers.ContainsKey("X-Amz-Target")
        && request.ContentType is { } type && type.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase);

    public ProtocolCall Identify(HttpRequest request)
    {
        var service = SignedService(request.Headers.Authorization.ToString());
        return new ProtocolCall(service, service + ".amazonaws.com", "Unknown", string.Empty);
    }

    public async Task<IOperationOutcome> DispatchAsync(
        ProtocolCall call, RequestContext context, ReadOnlyMemory<byte> body, AuditScope audit, CancellationToken cancellationToken)
    {
        var form = ParseForm(body.Span);
        var action = audit.EventName = form.Action ?? throw new IamException("MissingAction", 400, "Missing Action");
        audit.ReadOnly = call.Service == "sts" || IsReadOnly(action);
        audit.RequestParameters = AuditParameters(form);
        if (!(call.Service == "iam" ? IamActions.Names : StsActions.Names).Contains(action))
        {
            throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version {(call.Service == "iam" ? "2010-05-08" : "2011-06-15")}");
        }

        QueryConstraints.Check(action, form);
        await audit.BeginStateChangeAsync(cancellationToken).ConfigureAwait(false);
        var result = call.Service == "iam"
            ? await iam.RunAsync(action, form, context, cancellationToken).ConfigureAwait(false)
            : await sts.RunAsync(action, form, context, cancellationToken).ConfigureAwait(false);
        return new XmlOutcome(QueryXml.Response(action, Namespace(call), context.RequestId, result));
    }

    /// <summary>IAM's own retryable fault (500); STS answers the same.</summary>
    public AwsError Unavailable(ProtocolCall call) =>
        new("ServiceFailure", 500, "The request processing has failed because of an unknown error, exception or failure. Retry the request.");

    public AwsError? Describe(Exception exception) => exception switch
    {
        IamException iam => new AwsError(iam.Code, iam.Status, iam.Message),
        KmsException { Code: KmsErrorCode.AccessDenied } denied => new AwsError("AccessDenied", 403, denied.Message),
        KmsException { Code: KmsErrorCode.KMSInternal } failed => new AwsError("ServiceFailure", 500, failed.Message),
        AwsProtocolException protocol => protocol.Error.Type switch
        {
            "UnrecognizedClientException" => protocol.Error with { Type = "InvalidClientTokenId", Status = 403 },
            "InvalidSignatureException" when protocol.Error.Message?.StartsWith("The request signature", StringComparison.Ordinal) == true
                || protocol.Error.Message?.EndsWith("must be a 'SignedHeader' in the AWS Authorization.", StringComparison.Ordinal) == true =>
                protocol.Error with { Type = "SignatureDoesNotMatch", Status = 403 },
            "ExpiredTokenException" => protocol.Error with { Type = "ExpiredToken", Status = 400 },
            "MissingAuthenticationTokenException" => new AwsError("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
            var type => protocol.Error with { Type = type.EndsWith("Exception", StringComparison.Ordinal) ? type[..^"Exception".Length] : type },
        },
        _ => null,
    };

    public Task WriteAsync(HttpContext http, ProtocolCall call, IOperationOutcome outcome) =>
        WriteXmlAsync(http, StatusCodes.Status200OK, ((XmlOutcome)outcome).Body);

    public Task WriteErrorAsync(HttpContext http, ProtocolCall call, AwsError error) =>
        WriteXmlAsync(http, error.Status, QueryXml.Error(Namespace(call), error.Type, error.Message, RequestIds.Get(http), sender: error.Status < 500));

    public string MetricName(ProtocolCall call, AuditScope audit) =>
        (call.Service == "iam" ? IamActions.Names : StsActions.Names).Contains(audit.EventName) ? audit.EventName : "Unknown";

    private static string Namespace(ProtocolCall call) => call.Service == "iam" ? QueryXml.IamNamespace : QueryXml.StsNamespace;

    private static async Task WriteXmlAsync(HttpContext http, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/xml";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
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

    /// <summary>An XML answer, already written out (it carries no secret to wipe).</summary>
    private sealed class XmlOutcome(byte[] body) : IOperationOutcome
    {
        public byte[] Body => body;

        public void WriteBody(IBufferWriter<byte> destination) => destination.Write(body);

        public void Wipe()
        {
        }
    }
}
