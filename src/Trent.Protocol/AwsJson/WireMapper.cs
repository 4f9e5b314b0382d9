using Trent.Domain.Aliases;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson;

/// <summary>Domain records to wire shapes, with AWS's rules for which KeyMetadata members are present (digest §4).</summary>
public static class WireMapper
{
    public static KeyMetadataEntry KeyMetadata(KeyRecord key)
    {
        var algorithms = KeySpecRules.EncryptionAlgorithms(key);
        return new KeyMetadataEntry
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
            EncryptionAlgorithms = algorithms.Count > 0 ? [.. algorithms.Select(a => a.ToString())] : null,
            MultiRegion = false,
            CurrentKeyMaterialId = key.KeySpec == KeySpec.SYMMETRIC_DEFAULT ? key.CurrentKeyMaterialId : null,
        };
    }

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
