using Trent.Protocol.AwsJson;

namespace Trent.Protocol.SigV4;

/// <summary>The AWS front-end errors for authentication failures.</summary>
public static class SigV4Errors
{
    public static AwsProtocolException Missing() =>
        new(new AwsError("MissingAuthenticationTokenException", 403, "Missing Authentication Token"));

    public static AwsProtocolException Incomplete(string message) =>
        new(new AwsError("IncompleteSignatureException", 400, message));

    public static AwsProtocolException Invalid(string message) =>
        new(new AwsError("InvalidSignatureException", 400, message));

    public static AwsProtocolException Mismatch() => Invalid(
        "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");

    public static AwsProtocolException UnrecognizedClient() =>
        new(new AwsError("UnrecognizedClientException", 400, "The security token included in the request is invalid."));

    public static AwsProtocolException ExpiredToken() =>
        new(new AwsError("ExpiredTokenException", 400, "The security token included in the request is expired"));
}
