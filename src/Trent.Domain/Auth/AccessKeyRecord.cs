namespace Trent.Domain.Auth;

/// <summary>An access key as stored: the secret is sealed under the root key, bound to the access key ID.</summary>
public sealed record AccessKeyRecord(
    string AccessKeyId,
    string AccountId,
    string PrincipalArn,
    PrincipalType PrincipalType,
    string PrincipalId,
    byte[] SealedSecret,
    DateTimeOffset CreatedAt,
    bool Active);
