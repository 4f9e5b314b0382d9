using System.Collections.Frozen;
using Trent.Domain.Aliases;
using Trent.Domain.Audit;
using Trent.Domain.Cryptography;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Grants;
using Trent.Domain.Imports;
using Trent.Domain.Keys;
using Trent.Domain.Policies;
using Trent.Domain.Rotation;
using Trent.Domain.Sealing;
using Trent.Protocol.AwsJson.Operations;

namespace Trent.Protocol.AwsJson;

/// <summary>Maps <c>X-Amz-Target</c> operation names to their handlers.</summary>
public sealed class KmsOperationRegistry
{
    public const string TargetPrefix = "TrentService.";

    /// <summary>Operations of the KMS API that this server does not implement yet: they are answered with
    /// UnsupportedOperationException, not UnknownOperationException, because AWS knows them.</summary>
    private static readonly FrozenSet<string> NotYetImplemented = FrozenSet<string>.Empty;

    private readonly FrozenDictionary<string, IKmsOperation> _operations;

    public KmsOperationRegistry(
        KeyLifecycleService keys,
        AliasService aliases,
        KeyTagService tags,
        KeyPolicyService policies,
        CryptoServices crypto,
        KeyRotationService rotation,
        KeyImportService imports,
        GrantService grants,
        AuditLookupService lookup,
        KeyUsageService usage,
        MultiRegionKeyService multiRegion,
        DomainKeyService domainKeys,
        CustomKeyStoreService customKeyStores,
        Quotas.RequestQuotas quotas)
    {
        IKmsOperation[] operations =
        [
            new CreateKeyOperation(keys, customKeyStores),
            new DescribeKeyOperation(keys, multiRegion, customKeyStores),
            new ReplicateKeyOperation(multiRegion, quotas),
            new UpdatePrimaryRegionOperation(multiRegion),
            new ListKeysOperation(keys),
            new EnableKeyOperation(keys),
            new DisableKeyOperation(keys),
            new UpdateKeyDescriptionOperation(keys),
            new ScheduleKeyDeletionOperation(keys),
            new CancelKeyDeletionOperation(keys),
            CreateOrUpdateAliasOperation.Create(aliases),
            CreateOrUpdateAliasOperation.Update(aliases),
            new DeleteAliasOperation(aliases),
            new ListAliasesOperation(aliases),
            new TagResourceOperation(tags),
            new UntagResourceOperation(tags),
            new ListResourceTagsOperation(tags),
            new GetKeyPolicyOperation(policies),
            new PutKeyPolicyOperation(policies),
            new ListKeyPoliciesOperation(policies),
            new EncryptOperation(crypto.Encryption),
            new DecryptOperation(crypto.Encryption),
            new ReEncryptOperation(crypto.Encryption),
            new GenerateDataKeyOperation(crypto.DataKeys, includePlaintext: true),
            new GenerateDataKeyOperation(crypto.DataKeys, includePlaintext: false),
            new GenerateDataKeyPairOperation(crypto.DataKeys, includePlaintext: true),
            new GenerateDataKeyPairOperation(crypto.DataKeys, includePlaintext: false),
            new GenerateRandomOperation(crypto.DataKeys),
            new SignOperation(crypto.Signing),
            new VerifyOperation(crypto.Signing),
            new GetPublicKeyOperation(crypto.PublicKeys),
            new GenerateMacOperation(crypto.Macs),
            new VerifyMacOperation(crypto.Macs),
            new DeriveSharedSecretOperation(crypto.KeyAgreement),
            new EnableKeyRotationOperation(rotation),
            new DisableKeyRotationOperation(rotation),
            new GetKeyRotationStatusOperation(rotation),
            new RotateKeyOnDemandOperation(rotation),
            new ListKeyRotationsOperation(rotation),
            new GetParametersForImportOperation(imports),
            new ImportKeyMaterialOperation(imports),
            new DeleteImportedKeyMaterialOperation(imports),
            new CreateGrantOperation(grants),
            new ListGrantsOperation(grants),
            new ListRetirableGrantsOperation(grants),
            new RetireGrantOperation(grants),
            new RevokeGrantOperation(grants),
            new GetKeyLastUsageOperation(usage),
            new LookupEventsOperation(lookup),
            new CreateCustomKeyStoreOperation(customKeyStores),
            new DescribeCustomKeyStoresOperation(customKeyStores),
            new UpdateCustomKeyStoreOperation(customKeyStores),
            CustomKeyStoreActionOperation.Connect(customKeyStores),
            CustomKeyStoreActionOperation.Disconnect(customKeyStores),
            CustomKeyStoreActionOperation.Delete(customKeyStores),
            new Admin.RotateDomainKeyOperation(domainKeys),
            new Admin.DescribeKeyHierarchyOperation(domainKeys),
        ];
        _operations = operations.ToFrozenDictionary(o => o.Target, StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _operations.Values.Select(o => o.Name);

    /// <summary>Every operation, KMS's, CloudTrail's and Trent's own admin ones.</summary>
    public IEnumerable<IKmsOperation> Operations => _operations.Values;

    public bool TryGet(string? target, out IKmsOperation operation) =>
        _operations.TryGetValue(target ?? string.Empty, out operation!);

    /// <summary>The operation name of a target header, for the audit record of a request that never ran.</summary>
    public static string EventName(string? target) =>
        target is not null && target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..]
        : target is not null && target.StartsWith(Admin.TrentAdmin.TargetPrefix, StringComparison.Ordinal) ? target[Admin.TrentAdmin.TargetPrefix.Length..]
        : target is not null && IsCloudTrail(target) ? target[LookupEventsOperation.CloudTrailTargetPrefix.Length..]
        : target ?? "Unknown";

    /// <summary>CloudTrail's API (LookupEvents) shares the endpoint; its requests are signed for "cloudtrail".</summary>
    public static bool IsCloudTrail(string? target) =>
        target is not null && target.StartsWith(LookupEventsOperation.CloudTrailTargetPrefix, StringComparison.Ordinal);

    public static bool IsKnownButUnimplemented(string? target) => NotYetImplemented.Contains(EventName(target));
}
