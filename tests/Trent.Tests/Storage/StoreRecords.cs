using Trent.Domain.Grants;
using Trent.Domain.Keys;
using Trent.Domain.Policies;

namespace Trent.Tests.Storage;

/// <summary>Records for the contract tests, with every column given a value (so a lost column shows).</summary>
internal static class StoreRecords
{
    // Whole milliseconds: both stores keep Unix milliseconds.
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);

    public static string NewKeyId() => Guid.NewGuid().ToString();

    public static KeyRecord Key(string accountId, string region = "us-east-1", string? keyId = null) => new()
    {
        KeyId = keyId ?? NewKeyId(),
        AccountId = accountId,
        Region = region,
        Partition = "aws",
        CreationDate = Now,
        Description = "contract",
        KeySpec = KeySpec.SYMMETRIC_DEFAULT,
        KeyUsage = KeyUsage.ENCRYPT_DECRYPT,
        Origin = KeyOrigin.AWS_KMS,
        State = KeyState.Enabled,
        Policy = KeyPolicyDocument.Default("aws", accountId),
        Tags = [new Tag("team", "storage"), new Tag("é", "ünïcode")],
        CurrentMaterialVersion = 1,
        CurrentKeyMaterialId = "m1",
        MaterialsRevision = 1,
        RowVersion = 1,
    };

    public static KeyMaterialRecord Material(string keyId, uint version = 1, byte[]? sealedMaterial = null) => new()
    {
        KeyId = keyId,
        Version = version,
        KeyMaterialId = "m" + version,
        SealedMaterial = sealedMaterial ?? [1, 2, 3, (byte)version],
        CreatedAt = Now.AddDays(version),
        State = KeyMaterialState.CURRENT,
        Description = "material " + version,
        RotationDate = version > 1 ? Now.AddDays(version) : null,
        RotationType = version > 1 ? RotationType.ON_DEMAND : null,
        Fingerprint = [9, 8, 7],
    };

    public static GrantRecord Grant(string accountId, string keyId, string? name = null, string region = "us-east-1") => new()
    {
        GrantId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        KeyAccountId = accountId,
        KeyRegion = region,
        KeyId = keyId,
        KeyArn = $"arn:aws:kms:{region}:{accountId}:key/{keyId}",
        Name = name,
        GranteePrincipal = $"arn:aws:iam::{accountId}:user/grantee",
        RetiringPrincipal = $"arn:aws:iam::{accountId}:role/retirer",
        Operations = ["Decrypt", "Encrypt"],
        Constraints = new GrantConstraints(new Dictionary<string, string> { ["purpose"] = "test" }, null, null),
        IssuingAccount = $"arn:aws:iam::{accountId}:root",
        CreationDate = Now,
    };
}
