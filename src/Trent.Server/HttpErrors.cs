using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Trent.Protocol.AwsJson;

namespace Trent.Server;

/// <summary>
/// An AWS error body for the HTTP-layer errors that no endpoint answered (unknown path, such as
/// <c>/metrics</c> on the API listener; wrong method; oversized request), so that SDKs see an error type.
/// Kestrel's own parser errors (malformed request line or headers, 431) are answered before any
/// middleware runs and keep Kestrel's empty body.
/// </summary>
internal static class HttpErrors
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var error = status switch
        {
            StatusCodes.Status404NotFound => new AwsError("UnknownOperationException", status, $"No operation is served at {http.Request.Method} {http.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => new AwsError("UnknownOperationException", status, $"{http.Request.Method} is not allowed here: KMS requests are POST /."),
            StatusCodes.Status413PayloadTooLarge => new AwsError("SerializationException", status, $"The request body is larger than the maximum of {RequestBodyReader.MaxBodyBytes} bytes."),
            _ => new AwsError("SerializationException", status, "The request could not be read."),
        };
        return AwsJsonCodec.WriteErrorAsync(http, error);
    }
}
