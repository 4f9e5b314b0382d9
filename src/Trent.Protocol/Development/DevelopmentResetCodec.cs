using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Development;
using Trent.Domain.Errors;
using Trent.Domain.Storage;
using Trent.Protocol.AwsJson;
using Trent.Protocol.Pipeline;

namespace Trent.Protocol.Development;

/// <summary>
/// <c>POST /_trent/reset</c> of the development profile, through the one <see cref="RequestPipeline"/>: signed with
/// SigV4 for the <c>kms</c> service like any KMS request, recorded in the audit trail, answered in JSON
/// (<c>{"reset":true,"removed":{...}}</c>) and with awsJson errors. The body, if any, is ignored.
/// </summary>
public sealed class DevelopmentResetCodec(DevelopmentReset reset) : IProtocolCodec
{
    public const string Path = "/_trent/reset";

    public AwsError Internal => AwsError.Internal();

    public AwsError AuditUnavailable => AwsError.AuditUnavailable;

    /// <summary>The KMS surface's answer while the store is unreachable: the reset is a KMS-signed request.</summary>
    public AwsError Unavailable(ProtocolCall call) => AwsJsonCodec.DependencyTimeout;

    public ProtocolCall Identify(HttpRequest request) =>
        new("kms", "kms.amazonaws.com", DevelopmentReset.EventName, DevelopmentReset.EventName);

    public async Task<IOperationOutcome> DispatchAsync(
        ProtocolCall call, RequestContext context, ReadOnlyMemory<byte> body, AuditScope audit, CancellationToken cancellationToken)
    {
        audit.ReadOnly = false;
        var removed = await reset.ResetAsync(context, audit, cancellationToken).ConfigureAwait(false);
        var answer = Json(removed);
        audit.ResponseElements = answer;
        return new JsonOutcome(answer);
    }

    public AwsError? Describe(Exception exception) => exception switch
    {
        AwsProtocolException e => e.Error,
        KmsException e => AwsError.From(e),
        _ => null,
    };

    public async Task WriteAsync(HttpContext http, ProtocolCall call, IOperationOutcome outcome)
    {
        var body = ((JsonOutcome)outcome).Body;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
    }

    public Task WriteErrorAsync(HttpContext http, ProtocolCall call, AwsError error) => AwsJsonCodec.WriteErrorAsync(http, error);

    public string MetricName(ProtocolCall call, AuditScope audit) => call.EventName;

    private static byte[] Json(StateResetCounts removed)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("reset", true);
            writer.WriteStartObject("removed");
            writer.WriteNumber("keys", removed.Keys);
            writer.WriteNumber("aliases", removed.Aliases);
            writer.WriteNumber("grants", removed.Grants);
            writer.WriteNumber("users", removed.Users);
            writer.WriteNumber("roles", removed.Roles);
            writer.WriteNumber("accounts", removed.Accounts);
            writer.WriteNumber("accessKeys", removed.AccessKeys);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The JSON answer, already written out (it carries no secret to wipe).</summary>
    private sealed class JsonOutcome(byte[] body) : IOperationOutcome
    {
        public byte[] Body => body;

        public void WriteBody(IBufferWriter<byte> destination) => destination.Write(body);

        public void Wipe()
        {
        }
    }
}
