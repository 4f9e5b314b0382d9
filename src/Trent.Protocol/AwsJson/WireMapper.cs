using Trent.Domain.Aliases;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson;

/// <summary>Domain records to wire shapes, with AWS's rules for which KeyMetadata members are present (digest §4).</summary>
public static class WireMapper
{
    /// <param name="set">For a multi-Region key, every key of its set (see MultiRegionKeyService.SetOfAsync).</param>
    /// <param name="cloudHsmClusterId">For a key in a custom key store: its store's cluster.</param>
    public static KeyMetadataEntry KeyMetadata(KeyRecord key, IReadOnlyList<KeyRecord>? set = null, string? cloudHsmClusterId = null) =>
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
            MultiRegion = key.MultiRegion,
            MultiRegionConfiguration = key.MultiRegion ? MultiRegionConfiguration(key, set ?? [key]) : null,
            PendingDeletionWindowInDays = key.State == KeyState.PendingReplicaDeletion ? key.PendingWindowInDays : null,
            CurrentKeyMaterialId = key.KeySpec == KeySpec.SYMMETRIC_DEFAULT ? key.CurrentKeyMaterialId : null,
            CustomKeyStoreId = key.CustomKeyStoreId,
            CloudHsmClusterId = cloudHsmClusterId,
        };

    /// <summary>The set as every key of it describes it: the primary, and every replica (this key among them if it is one).</summary>
    private static MultiRegionConfigurationEntry MultiRegionConfiguration(KeyRecord key, IReadOnlyList<KeyRecord> set)
    {
        var members = set.Any(k => k.Region == key.Region) ? set : [.. set, key];
        var primaryRegion = key.PrimaryRegion!;
        return new MultiRegionConfigurationEntry
        {
            MultiRegionKeyType = key.MultiRegionKeyType,
            PrimaryKey = new MultiRegionKeyEntry { Arn = KeyArn.Format(key.Partition, primaryRegion, key.AccountId, key.KeyId), Region = primaryRegion },
            ReplicaKeys = [.. members.Where(k => k.Region != primaryRegion).Select(k => new MultiRegionKeyEntry { Arn = k.Arn, Region = k.Region })],
        };
    }

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
