using Trent.Domain.Errors;

namespace Trent.Protocol.AwsJson;

/// <summary>An error as it goes on the wire: the AWS error type, the HTTP status and the message (if any).</summary>
public sealed record AwsError(string Type, int Status, string? Message)
{
    public static AwsError From(KmsException e) => new(TypeName(e.Code), StatusOf(e.Code), e.WireMessage);

    public static AwsError Serialization(string message) => new("SerializationException", 400, message);

    public static AwsError UnknownOperation(string? target) =>
        new("UnknownOperationException", 400, target is null ? "Missing X-Amz-Target header." : $"Unknown operation {target}.");

    /// <summary>The answer when the audit record could not be made durable (the request is not acknowledged).</summary>
    public static readonly AwsError AuditUnavailable = new("KMSInternalException", 500, "The request could not be recorded in the audit trail.");

    public static AwsError Internal() =>
        new("KMSInternalException", 500, "The request could not be completed because of an internal error.");

    public static string TypeName(KmsErrorCode code) => code switch
    {
        KmsErrorCode.Validation => "ValidationException",
        KmsErrorCode.AccessDenied => "AccessDeniedException",
        _ => code + "Exception",
    };

    /// <summary>Recorded AWS responses use 400 for every client error; faults are 5xx (digest §1).</summary>
    private static int StatusOf(KmsErrorCode code) => code == KmsErrorCode.KMSInternal ? 500 : 400;
}

/// <summary>Thrown by the protocol layer (authentication, framing) with a ready wire error.</summary>
public sealed class AwsProtocolException(AwsError error) : Exception(error.Message ?? error.Type)
{
    public AwsError Error { get; } = error;
}
