using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Imports;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class GetParametersForImportOperation(KeyImportService imports)
    : KmsOperation<GetParametersForImportRequest, GetParametersForImportResponse>
{
    public override string Name => "GetParametersForImport";

    private protected override JsonTypeInfo<GetParametersForImportRequest> RequestType => KmsJsonContext.Default.GetParametersForImportRequest;

    private protected override JsonTypeInfo<GetParametersForImportResponse> ResponseType => KmsJsonContext.Default.GetParametersForImportResponse;

    protected override void Validate(GetParametersForImportRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.WrappingAlgorithm, "wrappingAlgorithm");
        errors.OneOf<WrappingAlgorithm>(request.WrappingAlgorithm, "wrappingAlgorithm");
        errors.Required(request.WrappingKeySpec, "wrappingKeySpec");
        errors.OneOf<WrappingKeySpec>(request.WrappingKeySpec, "wrappingKeySpec");
    }

    protected override async Task<GetParametersForImportResponse> ExecuteAsync(
        RequestContext context, GetParametersForImportRequest request, CancellationToken cancellationToken)
    {
        var parameters = await imports.GetParametersForImportAsync(
            context, request.KeyId!, Enum.Parse<WrappingAlgorithm>(request.WrappingAlgorithm!), Enum.Parse<WrappingKeySpec>(request.WrappingKeySpec!),
            cancellationToken).ConfigureAwait(false);
        return new GetParametersForImportResponse
        {
            KeyId = parameters.Key.Arn,
            ImportToken = parameters.ImportToken,
            PublicKey = parameters.PublicKey,
            ParametersValidTo = parameters.ParametersValidTo,
        };
    }
}

internal sealed class ImportKeyMaterialOperation(KeyImportService imports) : KmsOperation<ImportKeyMaterialRequest, KeyMaterialResponse>
{
    public override string Name => "ImportKeyMaterial";

    private protected override JsonTypeInfo<ImportKeyMaterialRequest> RequestType => KmsJsonContext.Default.ImportKeyMaterialRequest;

    private protected override JsonTypeInfo<KeyMaterialResponse> ResponseType => KmsJsonContext.Default.KeyMaterialResponse;

    protected override void Validate(ImportKeyMaterialRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.ImportToken, "importToken");
        errors.BlobLength(request.ImportToken, "importToken", 1, 6144);
        errors.Required(request.EncryptedKeyMaterial, "encryptedKeyMaterial");
        errors.BlobLength(request.EncryptedKeyMaterial, "encryptedKeyMaterial", 1, 6144);
        errors.OneOf<ExpirationModel>(request.ExpirationModel, "expirationModel");
        errors.OneOf<ImportType>(request.ImportType, "importType");
        errors.Length(request.KeyMaterialDescription, "keyMaterialDescription", 0, 256);
        if (request.KeyMaterialDescription is { Length: > 0 })
        {
            errors.Pattern(request.KeyMaterialDescription, "keyMaterialDescription", ModelPatterns.KeyMaterialDescription());
        }

        errors.Pattern(request.KeyMaterialId, "keyMaterialId", ModelPatterns.KeyMaterialId());
    }

    protected override async Task<KeyMaterialResponse> ExecuteAsync(RequestContext context, ImportKeyMaterialRequest request, CancellationToken cancellationToken)
    {
        var result = await imports.ImportKeyMaterialAsync(context, new ImportRequest(
            request.KeyId!,
            request.ImportToken!,
            request.EncryptedKeyMaterial!,
            request.ValidTo,
            ParseEnum<ExpirationModel>(request.ExpirationModel),
            ParseEnum<ImportType>(request.ImportType),
            request.KeyMaterialDescription,
            request.KeyMaterialId), cancellationToken).ConfigureAwait(false);
        return new KeyMaterialResponse { KeyId = result.Key.Arn, KeyMaterialId = result.KeyMaterialId };
    }
}

internal sealed class DeleteImportedKeyMaterialOperation(KeyImportService imports)
    : KmsOperation<DeleteImportedKeyMaterialRequest, KeyMaterialResponse>
{
    public override string Name => "DeleteImportedKeyMaterial";

    private protected override JsonTypeInfo<DeleteImportedKeyMaterialRequest> RequestType => KmsJsonContext.Default.DeleteImportedKeyMaterialRequest;

    private protected override JsonTypeInfo<KeyMaterialResponse> ResponseType => KmsJsonContext.Default.KeyMaterialResponse;

    protected override void Validate(DeleteImportedKeyMaterialRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Pattern(request.KeyMaterialId, "keyMaterialId", ModelPatterns.KeyMaterialId());
    }

    protected override async Task<KeyMaterialResponse> ExecuteAsync(
        RequestContext context, DeleteImportedKeyMaterialRequest request, CancellationToken cancellationToken)
    {
        var result = await imports.DeleteImportedKeyMaterialAsync(context, request.KeyId!, request.KeyMaterialId, cancellationToken).ConfigureAwait(false);
        return new KeyMaterialResponse { KeyId = result.Key.Arn, KeyMaterialId = result.KeyMaterialId };
    }
}
