using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class CreateKeyOperation(KeyLifecycleService keys, CustomKeyStoreService customKeyStores) : KmsOperation<CreateKeyRequest, KeyMetadataResponse>
{
    public override string Name => "CreateKey";

    private protected override JsonTypeInfo<CreateKeyRequest> RequestType => KmsJsonContext.Default.CreateKeyRequest;

    private protected override JsonTypeInfo<KeyMetadataResponse> ResponseType => KmsJsonContext.Default.KeyMetadataResponse;

    protected override void Validate(CreateKeyRequest request, ValidationErrors errors)
    {
        errors.Length(request.Policy, "policy", 1, 131072);
        errors.Pattern(request.Policy, "policy", ModelPatterns.Policy());
        errors.Length(request.Description, "description", 0, 8192);
        errors.OneOf<KeyUsage>(request.KeyUsage, "keyUsage");
        errors.OneOf(request.CustomerMasterKeySpec, "customerMasterKeySpec", ModelPatterns.CustomerMasterKeySpecs);
        errors.OneOf<KeySpec>(request.KeySpec, "keySpec");
        errors.OneOf<KeyOrigin>(request.Origin, "origin");
        errors.Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64);
        errors.Tags(request.Tags);
        errors.Length(request.XksKeyId, "xksKeyId", 1, 128);
        errors.Pattern(request.XksKeyId, "xksKeyId", ModelPatterns.XksKeyId());
    }

    protected override async Task<KeyMetadataResponse> ExecuteAsync(RequestContext context, CreateKeyRequest request, CancellationToken cancellationToken)
    {
        if (request.KeySpec is not null && request.CustomerMasterKeySpec is not null)
        {
            throw Domain.Errors.KmsErrors.Validation(
                "You cannot specify both KeySpec and CustomerMasterKeySpec. CustomerMasterKeySpec is deprecated; use KeySpec.");
        }

        var key = await keys.CreateKeyAsync(context, new CreateKeyInput
        {
            Description = request.Description,
            KeySpec = ParseEnum<KeySpec>(request.KeySpec ?? request.CustomerMasterKeySpec),
            KeyUsage = ParseEnum<KeyUsage>(request.KeyUsage),
            Origin = ParseEnum<KeyOrigin>(request.Origin),
            Policy = request.Policy,
            BypassPolicyLockoutSafetyCheck = request.BypassPolicyLockoutSafetyCheck ?? false,
            Tags = Tags(request.Tags),
            MultiRegion = request.MultiRegion ?? false,
            CustomKeyStoreId = request.CustomKeyStoreId,
            XksKeyId = request.XksKeyId,
        }, cancellationToken).ConfigureAwait(false);
        return new KeyMetadataResponse { KeyMetadata = KeyMetadata(key, cloudHsmClusterId: await customKeyStores.ClusterIdOfAsync(key, cancellationToken).ConfigureAwait(false)) };
    }
}

internal sealed class DescribeKeyOperation(KeyLifecycleService keys, MultiRegionKeyService multiRegion, CustomKeyStoreService customKeyStores) : KmsOperation<DescribeKeyRequest, KeyMetadataResponse>
{
    public override string Name => "DescribeKey";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<DescribeKeyRequest> RequestType => KmsJsonContext.Default.DescribeKeyRequest;

    private protected override JsonTypeInfo<KeyMetadataResponse> ResponseType => KmsJsonContext.Default.KeyMetadataResponse;

    protected override void Validate(DescribeKeyRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<KeyMetadataResponse> ExecuteAsync(RequestContext context, DescribeKeyRequest request, CancellationToken cancellationToken)
    {
        var key = await keys.DescribeKeyAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false);
        return new()
        {
            KeyMetadata = KeyMetadata(
                key, await multiRegion.SetOfAsync(key, cancellationToken).ConfigureAwait(false),
                await customKeyStores.ClusterIdOfAsync(key, cancellationToken).ConfigureAwait(false)),
        };
    }
}

internal sealed class ListKeysOperation(KeyLifecycleService keys) : KmsOperation<ListRequest, ListKeysResponse>
{
    public override string Name => "ListKeys";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ListRequest> RequestType => KmsJsonContext.Default.ListRequest;

    private protected override JsonTypeInfo<ListKeysResponse> ResponseType => KmsJsonContext.Default.ListKeysResponse;

    protected override void Validate(ListRequest request, ValidationErrors errors) => errors.ListPaging(request.Limit, request.Marker);

    protected override async Task<ListKeysResponse> ExecuteAsync(RequestContext context, ListRequest request, CancellationToken cancellationToken)
    {
        var page = await keys.ListKeysAsync(context, Limit(request.Limit, 100, 1000), request.Marker, cancellationToken).ConfigureAwait(false);
        return new ListKeysResponse
        {
            Keys = [.. page.Items.Select(k => new KeyListEntry { KeyId = k.KeyId, KeyArn = k.Arn })],
            NextMarker = page.NextMarker,
            Truncated = page.Truncated,
        };
    }
}

internal sealed class EnableKeyOperation(KeyLifecycleService keys) : KeyOnlyOperation("EnableKey")
{
    protected override Task RunAsync(RequestContext context, string keyId, CancellationToken cancellationToken) =>
        keys.EnableKeyAsync(context, keyId, cancellationToken);
}

internal sealed class DisableKeyOperation(KeyLifecycleService keys) : KeyOnlyOperation("DisableKey")
{
    protected override Task RunAsync(RequestContext context, string keyId, CancellationToken cancellationToken) =>
        keys.DisableKeyAsync(context, keyId, cancellationToken);
}

/// <summary>An operation whose whole input is a KeyId and whose output is empty.</summary>
internal abstract class KeyOnlyOperation(string name) : KmsOperation<KeyIdRequest, EmptyResponse>
{
    public override string Name => name;

    private protected override JsonTypeInfo<KeyIdRequest> RequestType => KmsJsonContext.Default.KeyIdRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(KeyIdRequest request, ValidationErrors errors) => errors.KeyId(request.KeyId, "keyId");

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, KeyIdRequest request, CancellationToken cancellationToken)
    {
        await RunAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }

    protected abstract Task RunAsync(RequestContext context, string keyId, CancellationToken cancellationToken);
}

internal sealed class UpdateKeyDescriptionOperation(KeyLifecycleService keys) : KmsOperation<UpdateKeyDescriptionRequest, EmptyResponse>
{
    public override string Name => "UpdateKeyDescription";

    private protected override JsonTypeInfo<UpdateKeyDescriptionRequest> RequestType => KmsJsonContext.Default.UpdateKeyDescriptionRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(UpdateKeyDescriptionRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.Description, "description");
        errors.Length(request.Description, "description", 0, 8192);
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, UpdateKeyDescriptionRequest request, CancellationToken cancellationToken)
    {
        await keys.UpdateKeyDescriptionAsync(context, request.KeyId!, request.Description!, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class ScheduleKeyDeletionOperation(KeyLifecycleService keys) : KmsOperation<ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse>
{
    public override string Name => "ScheduleKeyDeletion";

    private protected override JsonTypeInfo<ScheduleKeyDeletionRequest> RequestType => KmsJsonContext.Default.ScheduleKeyDeletionRequest;

    private protected override JsonTypeInfo<ScheduleKeyDeletionResponse> ResponseType => KmsJsonContext.Default.ScheduleKeyDeletionResponse;

    protected override void Validate(ScheduleKeyDeletionRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Range(request.PendingWindowInDays, "pendingWindowInDays", 1, 365);
    }

    protected override async Task<ScheduleKeyDeletionResponse> ExecuteAsync(
        RequestContext context, ScheduleKeyDeletionRequest request, CancellationToken cancellationToken)
    {
        var key = await keys.ScheduleKeyDeletionAsync(context, request.KeyId!, request.PendingWindowInDays, cancellationToken).ConfigureAwait(false);
        return new ScheduleKeyDeletionResponse
        {
            KeyId = key.Arn,
            DeletionDate = key.DeletionDate,
            KeyState = key.State.ToString(),
            PendingWindowInDays = key.PendingWindowInDays,
        };
    }
}

internal sealed class CancelKeyDeletionOperation(KeyLifecycleService keys) : KmsOperation<KeyIdRequest, KeyIdResponse>
{
    public override string Name => "CancelKeyDeletion";

    private protected override JsonTypeInfo<KeyIdRequest> RequestType => KmsJsonContext.Default.KeyIdRequest;

    private protected override JsonTypeInfo<KeyIdResponse> ResponseType => KmsJsonContext.Default.KeyIdResponse;

    protected override void Validate(KeyIdRequest request, ValidationErrors errors) => errors.KeyId(request.KeyId, "keyId");

    protected override async Task<KeyIdResponse> ExecuteAsync(RequestContext context, KeyIdRequest request, CancellationToken cancellationToken) =>
        new() { KeyId = (await keys.CancelKeyDeletionAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false)).Arn };
}
