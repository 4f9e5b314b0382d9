using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class DeriveSharedSecretOperation(KeyAgreementService agreement) : KmsOperation<DeriveSharedSecretRequest, DeriveSharedSecretResponse>
{
    public override string Name => "DeriveSharedSecret";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<DeriveSharedSecretRequest> RequestType => KmsJsonContext.Default.DeriveSharedSecretRequest;

    private protected override JsonTypeInfo<DeriveSharedSecretResponse> ResponseType => KmsJsonContext.Default.DeriveSharedSecretResponse;

    protected override void Validate(DeriveSharedSecretRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.KeyAgreementAlgorithm, "keyAgreementAlgorithm");
        errors.OneOf<KeyAgreementAlgorithm>(request.KeyAgreementAlgorithm, "keyAgreementAlgorithm");
        errors.Required(request.PublicKey, "publicKey");
        errors.BlobLength(request.PublicKey, "publicKey", 1, 8192);
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<DeriveSharedSecretResponse> ExecuteAsync(
        RequestContext context, DeriveSharedSecretRequest request, CancellationToken cancellationToken)
    {
        var result = await agreement.DeriveSharedSecretAsync(
            context,
            request.KeyId!,
            Enum.Parse<KeyAgreementAlgorithm>(request.KeyAgreementAlgorithm!),
            request.PublicKey!,
            request.DryRun ?? false,
            cancellationToken).ConfigureAwait(false);
        return new DeriveSharedSecretResponse
        {
            KeyId = result.Key.Arn,
            SharedSecret = result.SharedSecret,
            KeyAgreementAlgorithm = nameof(KeyAgreementAlgorithm.ECDH),
            KeyOrigin = result.Key.Origin.ToString(),
        };
    }
}

/// <summary>GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: the same request, with or without the private key in plain form.</summary>
internal sealed class GenerateDataKeyPairOperation(DataKeyService dataKeys, bool includePlaintext)
    : KmsOperation<GenerateDataKeyPairRequest, GenerateDataKeyPairResponse>
{
    public override string Name => includePlaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<GenerateDataKeyPairRequest> RequestType => KmsJsonContext.Default.GenerateDataKeyPairRequest;

    private protected override JsonTypeInfo<GenerateDataKeyPairResponse> ResponseType => KmsJsonContext.Default.GenerateDataKeyPairResponse;

    protected override void Validate(GenerateDataKeyPairRequest request, ValidationErrors errors)
    {
        errors.EncryptionContext(request.EncryptionContext, "encryptionContext");
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.KeyPairSpec, "keyPairSpec");
        errors.OneOf<DataKeyPairSpec>(request.KeyPairSpec, "keyPairSpec");
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<GenerateDataKeyPairResponse> ExecuteAsync(
        RequestContext context, GenerateDataKeyPairRequest request, CancellationToken cancellationToken)
    {
        var result = await dataKeys.GenerateDataKeyPairAsync(
            context,
            request.KeyId!,
            request.EncryptionContext,
            Enum.Parse<DataKeyPairSpec>(request.KeyPairSpec!),
            includePlaintext,
            request.DryRun ?? false,
            cancellationToken).ConfigureAwait(false);
        return new GenerateDataKeyPairResponse
        {
            PrivateKeyCiphertextBlob = result.PrivateKeyCiphertextBlob,
            PrivateKeyPlaintext = result.PrivateKeyPlaintext,
            PublicKey = result.PublicKey,
            KeyId = result.Key.Arn,
            KeyPairSpec = result.Spec.ToString(),
            KeyMaterialId = result.KeyMaterialId,
        };
    }
}
