using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;
using Trent.Protocol.Quotas;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class ReplicateKeyOperation(MultiRegionKeyService multiRegion, RequestQuotas quotas) : KmsOperation<ReplicateKeyRequest, ReplicateKeyResponse>
{
    public override string Name => "ReplicateKey";

    private protected override JsonTypeInfo<ReplicateKeyRequest> RequestType => KmsJsonContext.Default.ReplicateKeyRequest;

    private protected override JsonTypeInfo<ReplicateKeyResponse> ResponseType => KmsJsonContext.Default.ReplicateKeyResponse;

    protected override void Validate(ReplicateKeyRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.ReplicaRegion, "replicaRegion");
        errors.Length(request.ReplicaRegion, "replicaRegion", 1, 32);
        errors.Pattern(request.ReplicaRegion, "replicaRegion", ModelPatterns.Region());
        errors.Length(request.Policy, "policy", 1, 131072);
        errors.Pattern(request.Policy, "policy", ModelPatterns.Policy());
        errors.Length(request.Description, "description", 0, 8192);
        errors.Tags(request.Tags);
    }

    protected override async Task<ReplicateKeyResponse> ExecuteAsync(RequestContext context, ReplicateKeyRequest request, CancellationToken cancellationToken)
    {
        // AWS counts a replica as a key created in its Region: ReplicateKey also costs two CreateKey requests there.
        quotas.Take(context.Caller.AccountId, request.ReplicaRegion!, "CreateKey");
        quotas.Take(context.Caller.AccountId, request.ReplicaRegion!, "CreateKey");
        var replica = await multiRegion.ReplicateKeyAsync(context, new ReplicateKeyInput(request.KeyId!, request.ReplicaRegion!)
        {
            Description = request.Description,
            Policy = request.Policy,
            BypassPolicyLockoutSafetyCheck = request.BypassPolicyLockoutSafetyCheck ?? false,
            Tags = Tags(request.Tags),
        }, cancellationToken).ConfigureAwait(false);
        var set = await multiRegion.SetOfAsync(replica, cancellationToken).ConfigureAwait(false);
        return new ReplicateKeyResponse
        {
            ReplicaKeyMetadata = KeyMetadata(replica, set),
            ReplicaPolicy = replica.Policy,
            ReplicaTags = [.. replica.Tags.Select(t => new TagEntry { TagKey = t.Key, TagValue = t.Value })],
        };
    }
}

internal sealed class UpdatePrimaryRegionOperation(MultiRegionKeyService multiRegion) : KmsOperation<UpdatePrimaryRegionRequest, EmptyResponse>
{
    public override string Name => "UpdatePrimaryRegion";

    private protected override JsonTypeInfo<UpdatePrimaryRegionRequest> RequestType => KmsJsonContext.Default.UpdatePrimaryRegionRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(UpdatePrimaryRegionRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.PrimaryRegion, "primaryRegion");
        errors.Length(request.PrimaryRegion, "primaryRegion", 1, 32);
        errors.Pattern(request.PrimaryRegion, "primaryRegion", ModelPatterns.Region());
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, UpdatePrimaryRegionRequest request, CancellationToken cancellationToken)
    {
        await multiRegion.UpdatePrimaryRegionAsync(context, request.KeyId!, request.PrimaryRegion!, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}
