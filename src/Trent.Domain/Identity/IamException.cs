namespace Trent.Domain.Identity;

/// <summary>An IAM or STS error, with the code and HTTP status AWS sends in its XML ErrorResponse.</summary>
public sealed class IamException(string code, int status, string message) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    public static IamException NoSuchEntity(string message) => new("NoSuchEntity", 404, message);

    public static IamException EntityAlreadyExists(string message) => new("EntityAlreadyExists", 409, message);

    public static IamException DeleteConflict(string message) => new("DeleteConflict", 409, message);

    public static IamException MalformedPolicy(string message) => new("MalformedPolicyDocument", 400, message);

    public static IamException Validation(string message) => new("ValidationError", 400, message);

    public static IamException LimitExceeded(string message) => new("LimitExceeded", 409, message);
}
