using System.Globalization;

namespace Trent.Domain.Errors;

/// <summary>The errors the domain raises, with AWS's recorded wording (reference digest §9–§10).</summary>
public static class KmsErrors
{
    public static KmsException KeyNotFound(string keyArn) => new(KmsErrorCode.NotFound, $"Key '{keyArn}' does not exist");

    public static KmsException InvalidKeyId(string value) => new(KmsErrorCode.NotFound, $"Invalid keyId '{value}'");

    public static KmsException InvalidArnRegion(string region) => new(KmsErrorCode.NotFound, $"Invalid arn {region}");

    public static KmsException InvalidArn(string value) =>
        new(KmsErrorCode.InvalidArn, $"ARN '{value}' is not a valid ARN for this operation.");

    public static KmsException AliasNotFound(string aliasArn) => new(KmsErrorCode.NotFound, $"Alias {aliasArn} is not found.");

    public static KmsException AliasExists(string aliasArn) =>
        new(KmsErrorCode.AlreadyExists, $"An alias with the name {aliasArn} already exists");

    public static KmsException Disabled(string keyArn) => new(KmsErrorCode.Disabled, $"{keyArn} is disabled.");

    public static KmsException PendingDeletion(string keyArn) => new(KmsErrorCode.KMSInvalidState, $"{keyArn} is pending deletion.");

    public static KmsException NotPendingDeletion(string keyArn) =>
        new(KmsErrorCode.KMSInvalidState, $"{keyArn} is not pending deletion (or pending replica deletion).");

    public static KmsException PendingImport(string keyArn) => new(KmsErrorCode.KMSInvalidState, $"{keyArn} is pending import.");

    public static KmsException InvalidState(string keyArn, string state) =>
        new(KmsErrorCode.KMSInvalidState, $"{keyArn} is {state}.");

    public static KmsException WrongKeyUsage(string keyArn, string usage, string operation) =>
        new(KmsErrorCode.InvalidKeyUsage, $"{keyArn} key usage is {usage} which is not valid for {operation}.");

    public static KmsException IncompatibleAlgorithm(string algorithm, string keySpec) =>
        new(KmsErrorCode.InvalidKeyUsage, $"Algorithm {algorithm} is incompatible with key spec {keySpec}.");

    public static KmsException InvalidCiphertext() => new(KmsErrorCode.InvalidCiphertext, null);

    public static KmsException IncorrectKey() =>
        new(KmsErrorCode.IncorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.");

    public static KmsException DryRun() =>
        new(KmsErrorCode.DryRunOperation, "The request would have succeeded, but the DryRun option is set.");

    public static KmsException Validation(string message) => new(KmsErrorCode.Validation, message);

    public static KmsException Unsupported(string? message) => new(KmsErrorCode.UnsupportedOperation, message);

    public static KmsException InvalidMarker() =>
        new(KmsErrorCode.InvalidMarker, "The marker is not valid. Pass the NextMarker value from the previous response.");

    public static KmsException Tag(string message) => new(KmsErrorCode.Tag, message);

    public static KmsException LimitExceeded(string message) => new(KmsErrorCode.LimitExceeded, message);

    public static KmsException MalformedPolicy(string reason) => new(KmsErrorCode.MalformedPolicyDocument, reason);

    public static KmsException OriginNotValid(string keyArn, Keys.KeyOrigin origin) =>
        new(KmsErrorCode.UnsupportedOperation, $"{keyArn} origin is {origin} which is not valid for this operation.");

    public static KmsException AccessDenied(string principalArn, string action, string resource, string reason) =>
        new(KmsErrorCode.AccessDenied,
            string.Create(CultureInfo.InvariantCulture, $"User: {principalArn} is not authorized to perform: {action} on resource: {resource} because {reason}"));

    /// <summary>AWS answers a failed Verify or VerifyMac with the exception alone, no message.</summary>
    public static KmsException InvalidSignature() => new(KmsErrorCode.KMSInvalidSignature, null);

    public static KmsException InvalidMac() => new(KmsErrorCode.KMSInvalidMac, null);
}
