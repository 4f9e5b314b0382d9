using System.Text.Json;

namespace Trent.Protocol.AwsJson.Model;

// Wire shapes of the key lifecycle operations. Members are exactly AWS's names; enums travel as strings so
// that an unknown value is a ValidationException (as on AWS), not a SerializationException.

public sealed class TagEntry
{
    public string? TagKey { get; set; }
    public string? TagValue { get; set; }
}

public sealed class KeyMetadataEntry
{
    public string? AWSAccountId { get; set; }
    public string? KeyId { get; set; }
    public string? Arn { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public bool Enabled { get; set; }
    public string? Description { get; set; }
    public string? KeyUsage { get; set; }
    public string? KeyState { get; set; }
    public DateTimeOffset? DeletionDate { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public string? Origin { get; set; }
    public string? ExpirationModel { get; set; }
    public string? KeyManager { get; set; }
    public string? CustomerMasterKeySpec { get; set; }
    public string? KeySpec { get; set; }
    public List<string>? EncryptionAlgorithms { get; set; }
    public List<string>? SigningAlgorithms { get; set; }
    public List<string>? MacAlgorithms { get; set; }
    public List<string>? KeyAgreementAlgorithms { get; set; }
    public bool MultiRegion { get; set; }
    public MultiRegionConfigurationEntry? MultiRegionConfiguration { get; set; }
    public int? PendingDeletionWindowInDays { get; set; }
    public string? CurrentKeyMaterialId { get; set; }
    public string? CustomKeyStoreId { get; set; }
    public string? CloudHsmClusterId { get; set; }
}

public sealed class MultiRegionConfigurationEntry
{
    public string? MultiRegionKeyType { get; set; }
    public MultiRegionKeyEntry? PrimaryKey { get; set; }
    public List<MultiRegionKeyEntry>? ReplicaKeys { get; set; }
}

public sealed class MultiRegionKeyEntry
{
    public string? Arn { get; set; }
    public string? Region { get; set; }
}

public sealed class ReplicateKeyRequest
{
    public string? KeyId { get; set; }
    public string? ReplicaRegion { get; set; }
    public string? Policy { get; set; }
    public bool? BypassPolicyLockoutSafetyCheck { get; set; }
    public string? Description { get; set; }
    public List<TagEntry>? Tags { get; set; }
}

public sealed class ReplicateKeyResponse
{
    public KeyMetadataEntry? ReplicaKeyMetadata { get; set; }
    public string? ReplicaPolicy { get; set; }
    public List<TagEntry>? ReplicaTags { get; set; }
}

public sealed class UpdatePrimaryRegionRequest
{
    public string? KeyId { get; set; }
    public string? PrimaryRegion { get; set; }
}

public sealed class CreateKeyRequest
{
    public string? Policy { get; set; }
    public string? Description { get; set; }
    public string? KeyUsage { get; set; }
    public string? CustomerMasterKeySpec { get; set; }
    public string? KeySpec { get; set; }
    public string? Origin { get; set; }
    public string? CustomKeyStoreId { get; set; }
    public bool? BypassPolicyLockoutSafetyCheck { get; set; }
    public List<TagEntry>? Tags { get; set; }
    public bool? MultiRegion { get; set; }
    public string? XksKeyId { get; set; }
}

public sealed class KeyMetadataResponse
{
    public KeyMetadataEntry? KeyMetadata { get; set; }
}

public sealed class KeyIdRequest
{
    public string? KeyId { get; set; }
}

public sealed class DescribeKeyRequest : IHasGrantTokens
{
    public string? KeyId { get; set; }
    public List<string>? GrantTokens { get; set; }
}

public sealed class ListRequest
{
    public string? KeyId { get; set; }
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

public sealed class KeyListEntry
{
    public string? KeyId { get; set; }
    public string? KeyArn { get; set; }
}

public sealed class ListKeysResponse
{
    public List<KeyListEntry>? Keys { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

public sealed class UpdateKeyDescriptionRequest
{
    public string? KeyId { get; set; }
    public string? Description { get; set; }
}

public sealed class ScheduleKeyDeletionRequest
{
    public string? KeyId { get; set; }
    public int? PendingWindowInDays { get; set; }
}

public sealed class ScheduleKeyDeletionResponse
{
    public string? KeyId { get; set; }
    public DateTimeOffset? DeletionDate { get; set; }
    public string? KeyState { get; set; }
    public int? PendingWindowInDays { get; set; }
}

public sealed class KeyIdResponse
{
    public string? KeyId { get; set; }
}

/// <summary>The empty output of operations that return nothing.</summary>
public sealed class EmptyResponse
{
    public static readonly EmptyResponse Instance = new();
}

/// <summary>Members AWS defines that this server refuses rather than silently ignores.</summary>
public interface IHasRecipient
{
    JsonElement? Recipient { get; }
}
