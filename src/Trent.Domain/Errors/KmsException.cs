namespace Trent.Domain.Errors;

/// <summary>A request failed for a reason the caller is told about. <see cref="Message"/> may be absent,
/// as AWS sends some errors (InvalidCiphertext, for one) without a message.</summary>
public sealed class KmsException(KmsErrorCode code, string? message) : Exception(message ?? code.ToString())
{
    public KmsErrorCode Code { get; } = code;

    /// <summary>The text the caller sees, or null when AWS sends none.</summary>
    public string? WireMessage { get; } = message;
}
