using Trent.Domain.Aliases;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson;

/// <summary>Domain records to wire shapes, with AWS's rules for which KeyMetadata members are present (digest §4).</summary>
public static class WireMapper
{
    public static KeyMetadataEntry KeyMetadata(KeyRecord key) =>
        new()
        {
            AWSAccountId = key.AccountId,
            KeyId = key.KeyId,
            Arn = key.Arn,
            CreationDate = key.CreationDate,
            Enabled = key.Enabled,
            Description = key.Description,
            KeyUsage = key.KeyUsage.ToString(),
            KeyState = key.State.ToString(),
            DeletionDate = key.State == KeyState.PendingDeletion ? key.DeletionDate : null,
            ValidTo = key.ExpirationModel == ExpirationModel.KEY_MATERIAL_EXPIRES ? key.ValidTo : null,
            Origin = key.Origin.ToString(),
            ExpirationModel = key.ExpirationModel?.ToString(),
            KeyManager = "CUSTOMER",
            CustomerMasterKeySpec = KeySpecRules.HasCustomerMasterKeySpec(key.KeySpec) ? key.KeySpec.ToString() : null,
            KeySpec = key.KeySpec.ToString(),
            EncryptionAlgorithms = Names(KeySpecRules.EncryptionAlgorithms(key)),
            SigningAlgorithms = Names(KeySpecRules.SigningAlgorithms(key)),
            MacAlgorithms = Names(KeySpecRules.MacAlgorithms(key)),
            KeyAgreementAlgorithms = Names(KeySpecRules.KeyAgreementAlgorithms(key)),
            MultiRegion = false,
            CurrentKeyMaterialId = key.KeySpec == KeySpec.SYMMETRIC_DEFAULT ? key.CurrentKeyMaterialId : null,
        };

    /// <summary>An algorithm list as KeyMetadata carries it: absent, not empty, when the key has none of that kind.</summary>
    public static List<string>? Names<TEnum>(IReadOnlyList<TEnum> algorithms)
        where TEnum : struct, Enum =>
        algorithms.Count > 0 ? [.. algorithms.Select(a => a.ToString())] : null;

    public static AliasListEntry Alias(AliasRecord alias, string aliasArn) => new()
    {
        AliasName = alias.AliasName,
        AliasArn = aliasArn,
        TargetKeyId = alias.TargetKeyId,
        CreationDate = alias.CreationDate,
        LastUpdatedDate = alias.LastUpdatedDate,
    };

    public static List<Tag> Tags(List<TagEntry>? tags) =>
        tags is null ? [] : [.. tags.Select(t => new Tag(t.TagKey!, t.TagValue!))];

    public static TEnum? ParseEnum<TEnum>(string? value)
        where TEnum : struct, Enum =>
        value is null ? null : Enum.Parse<TEnum>(value);

    /// <summary>AWS clamps a Limit above an operation's documented maximum rather than refusing it.</summary>
    public static int Limit(int? requested, int defaultLimit, int maxLimit) => Math.Min(requested ?? defaultLimit, maxLimit);
}
