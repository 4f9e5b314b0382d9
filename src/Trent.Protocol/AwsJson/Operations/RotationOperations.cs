using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Keys;
using Trent.Domain.Rotation;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class EnableKeyRotationOperation(KeyRotationService rotation) : KmsOperation<EnableKeyRotationRequest, EmptyResponse>
{
    public override string Name => "EnableKeyRotation";

    private protected override JsonTypeInfo<EnableKeyRotationRequest> RequestType => KmsJsonContext.Default.EnableKeyRotationRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(EnableKeyRotationRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Range(request.RotationPeriodInDays, "rotationPeriodInDays",
            KeyRotationService.MinRotationPeriodInDays, KeyRotationService.MaxRotationPeriodInDays);
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, EnableKeyRotationRequest request, CancellationToken cancellationToken)
    {
        await rotation.EnableKeyRotationAsync(context, request.KeyId!, request.RotationPeriodInDays, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class DisableKeyRotationOperation(KeyRotationService rotation) : KeyOnlyOperation("DisableKeyRotation")
{
    protected override Task RunAsync(RequestContext context, string keyId, CancellationToken cancellationToken) =>
        rotation.DisableKeyRotationAsync(context, keyId, cancellationToken);
}

internal sealed class GetKeyRotationStatusOperation(KeyRotationService rotation) : KmsOperation<KeyIdRequest, GetKeyRotationStatusResponse>
{
    public override string Name => "GetKeyRotationStatus";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<KeyIdRequest> RequestType => KmsJsonContext.Default.KeyIdRequest;

    private protected override JsonTypeInfo<GetKeyRotationStatusResponse> ResponseType => KmsJsonContext.Default.GetKeyRotationStatusResponse;

    protected override void Validate(KeyIdRequest request, ValidationErrors errors) => errors.KeyId(request.KeyId, "keyId");

    protected override async Task<GetKeyRotationStatusResponse> ExecuteAsync(RequestContext context, KeyIdRequest request, CancellationToken cancellationToken)
    {
        var key = await rotation.GetKeyRotationStatusAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false);
        // AWS reports a key pending deletion as not rotating; period and date only while rotation is on.
        var enabled = key.RotationEnabled && key.State != KeyState.PendingDeletion;
        return new GetKeyRotationStatusResponse
        {
            KeyRotationEnabled = enabled,
            KeyId = key.Arn,
            RotationPeriodInDays = enabled ? key.RotationPeriodInDays : null,
            NextRotationDate = enabled ? key.NextRotationDate : null,
        };
    }
}

internal sealed class RotateKeyOnDemandOperation(KeyRotationService rotation) : KmsOperation<KeyIdRequest, KeyIdResponse>
{
    public override string Name => "RotateKeyOnDemand";

    private protected override JsonTypeInfo<KeyIdRequest> RequestType => KmsJsonContext.Default.KeyIdRequest;

    private protected override JsonTypeInfo<KeyIdResponse> ResponseType => KmsJsonContext.Default.KeyIdResponse;

    protected override void Validate(KeyIdRequest request, ValidationErrors errors) => errors.KeyId(request.KeyId, "keyId");

    protected override async Task<KeyIdResponse> ExecuteAsync(RequestContext context, KeyIdRequest request, CancellationToken cancellationToken) =>
        new() { KeyId = (await rotation.RotateKeyOnDemandAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false)).Arn };
}

internal sealed class ListKeyRotationsOperation(KeyRotationService rotation) : KmsOperation<ListKeyRotationsRequest, ListKeyRotationsResponse>
{
    public override string Name => "ListKeyRotations";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ListKeyRotationsRequest> RequestType => KmsJsonContext.Default.ListKeyRotationsRequest;

    private protected override JsonTypeInfo<ListKeyRotationsResponse> ResponseType => KmsJsonContext.Default.ListKeyRotationsResponse;

    protected override void Validate(ListKeyRotationsRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.OneOf<IncludeKeyMaterial>(request.IncludeKeyMaterial, "includeKeyMaterial");
        errors.ListPaging(request.Limit, request.Marker);
    }

    protected override async Task<ListKeyRotationsResponse> ExecuteAsync(
        RequestContext context, ListKeyRotationsRequest request, CancellationToken cancellationToken)
    {
        var list = await rotation.ListKeyRotationsAsync(
            context, request.KeyId!, ParseEnum<IncludeKeyMaterial>(request.IncludeKeyMaterial), Limit(request.Limit, 100, 1000), request.Marker,
            cancellationToken).ConfigureAwait(false);
        return new ListKeyRotationsResponse
        {
            Rotations = [.. list.Rotations.Items.Select(m => new RotationsListEntry
            {
                KeyId = list.Key.Arn,
                KeyMaterialId = m.KeyMaterialId,
                KeyMaterialDescription = m.Description,
                ImportState = m.ImportState?.ToString(),
                KeyMaterialState = m.State.ToString(),
                ExpirationModel = m.ExpirationModel?.ToString(),
                ValidTo = m.ValidTo,
                RotationDate = m.RotationDate,
                RotationType = m.RotationType?.ToString(),
            })],
            NextMarker = list.Rotations.NextMarker,
            Truncated = list.Rotations.Truncated,
        };
    }
}
