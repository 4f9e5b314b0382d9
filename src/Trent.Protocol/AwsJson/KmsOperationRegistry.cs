using System.Collections.Frozen;
using Trent.Domain.Aliases;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;
using Trent.Domain.Policies;
using Trent.Protocol.AwsJson.Operations;

namespace Trent.Protocol.AwsJson;

/// <summary>Maps <c>X-Amz-Target</c> operation names to their handlers.</summary>
public sealed class KmsOperationRegistry
{
    public const string TargetPrefix = "TrentService.";

    /// <summary>Operations of the KMS API that this server does not implement yet: they are answered with
    /// UnsupportedOperationException, not UnknownOperationException, because AWS knows them.</summary>
    private static readonly FrozenSet<string> NotYetImplemented = new[]
    {
        "ConnectCustomKeyStore", "CreateCustomKeyStore", "CreateGrant", "DeleteCustomKeyStore", "DeleteImportedKeyMaterial",
        "DeriveSharedSecret", "DescribeCustomKeyStores", "DisableKeyRotation", "DisconnectCustomKeyStore", "EnableKeyRotation",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "GetKeyLastUsage", "GetKeyRotationStatus",
        "GetParametersForImport", "GetPublicKey", "ImportKeyMaterial", "ListGrants", "ListKeyRotations", "ListRetirableGrants",
        "ReplicateKey", "RetireGrant", "RevokeGrant", "RotateKeyOnDemand", "Sign", "UpdateCustomKeyStore", "UpdatePrimaryRegion",
        "Verify", "VerifyMac",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, IKmsOperation> _operations;

    public KmsOperationRegistry(
        KeyLifecycleService keys,
        AliasService aliases,
        KeyTagService tags,
        KeyPolicyService policies,
        SymmetricCryptoService crypto)
    {
        IKmsOperation[] operations =
        [
            new CreateKeyOperation(keys),
            new DescribeKeyOperation(keys),
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
            new EncryptOperation(crypto),
            new DecryptOperation(crypto),
            new ReEncryptOperation(crypto),
            new GenerateDataKeyOperation(crypto, includePlaintext: true),
            new GenerateDataKeyOperation(crypto, includePlaintext: false),
            new GenerateRandomOperation(crypto),
        ];
        _operations = operations.ToFrozenDictionary(o => TargetPrefix + o.Name, StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _operations.Values.Select(o => o.Name);

    public bool TryGet(string? target, out IKmsOperation operation) =>
        _operations.TryGetValue(target ?? string.Empty, out operation!);

    /// <summary>The operation name of a target header, for the audit record of a request that never ran.</summary>
    public static string EventName(string? target) =>
        target is not null && target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target ?? "Unknown";

    public static bool IsKnownButUnimplemented(string? target) => NotYetImplemented.Contains(EventName(target));
}
