using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.Operations.DryRunModifierRules;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

/// <summary>Shared by Decrypt and ReEncrypt.</summary>
internal static class DryRunModifierRules
{
    public static bool IgnoresCiphertext(List<string>? modifiers) => modifiers?.Contains("IGNORE_CIPHERTEXT") ?? false;
}

internal sealed class EncryptOperation(EncryptionService crypto) : KmsOperation<EncryptRequest, EncryptResponse>
{
    public override string Name => "Encrypt";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<EncryptRequest> RequestType => KmsJsonContext.Default.EncryptRequest;

    private protected override JsonTypeInfo<EncryptResponse> ResponseType => KmsJsonContext.Default.EncryptResponse;

    protected override void Validate(EncryptRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.Plaintext, "plaintext");
        errors.BlobLength(request.Plaintext, "plaintext", 1, EncryptionService.MaxPlaintextBytes);
        errors.EncryptionContext(request.EncryptionContext, "encryptionContext");
        errors.GrantTokens(request.GrantTokens);
        errors.OneOf<EncryptionAlgorithm>(request.EncryptionAlgorithm, "encryptionAlgorithm");
    }

    protected override async Task<EncryptResponse> ExecuteAsync(RequestContext context, EncryptRequest request, CancellationToken cancellationToken)
    {
        var result = await crypto.EncryptAsync(
            context,
            request.KeyId!,
            request.Plaintext!,
            request.EncryptionContext,
            ParseEnum<EncryptionAlgorithm>(request.EncryptionAlgorithm),
            request.DryRun ?? false,
            cancellationToken).ConfigureAwait(false);
        return new EncryptResponse
        {
            CiphertextBlob = result.CiphertextBlob,
            KeyId = result.Key.Arn,
            EncryptionAlgorithm = result.Algorithm.ToString(),
        };
    }
}

internal sealed class DecryptOperation(EncryptionService crypto) : KmsOperation<DecryptRequest, DecryptResponse>
{
    public override string Name => "Decrypt";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<DecryptRequest> RequestType => KmsJsonContext.Default.DecryptRequest;

    private protected override JsonTypeInfo<DecryptResponse> ResponseType => KmsJsonContext.Default.DecryptResponse;

    protected override void Validate(DecryptRequest request, ValidationErrors errors)
    {
        errors.BlobLength(request.CiphertextBlob, "ciphertextBlob", 1, 6144);
        errors.EncryptionContext(request.EncryptionContext, "encryptionContext");
        errors.GrantTokens(request.GrantTokens);
        errors.KeyId(request.KeyId, "keyId", required: false);
        errors.OneOf<EncryptionAlgorithm>(request.EncryptionAlgorithm, "encryptionAlgorithm");
        request.DryRunModifiers?.ForEach(m => errors.OneOf(m, "dryRunModifiers", ModelPatterns.DryRunModifiers));
    }

    protected override async Task<DecryptResponse> ExecuteAsync(RequestContext context, DecryptRequest request, CancellationToken cancellationToken)
    {
        var result = await crypto.DecryptAsync(
            context,
            request.CiphertextBlob,
            request.EncryptionContext,
            request.KeyId,
            ParseEnum<EncryptionAlgorithm>(request.EncryptionAlgorithm),
            request.DryRun ?? false,
            IgnoresCiphertext(request.DryRunModifiers),
            cancellationToken).ConfigureAwait(false);
        return new DecryptResponse
        {
            KeyId = result.Key.Arn,
            Plaintext = result.Plaintext,
            EncryptionAlgorithm = result.Algorithm.ToString(),
            KeyMaterialId = result.KeyMaterialId,
        };
    }
}

internal sealed class ReEncryptOperation(EncryptionService crypto) : KmsOperation<ReEncryptRequest, ReEncryptResponse>
{
    public override string Name => "ReEncrypt";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ReEncryptRequest> RequestType => KmsJsonContext.Default.ReEncryptRequest;

    private protected override JsonTypeInfo<ReEncryptResponse> ResponseType => KmsJsonContext.Default.ReEncryptResponse;

    protected override void Validate(ReEncryptRequest request, ValidationErrors errors)
    {
        errors.BlobLength(request.CiphertextBlob, "ciphertextBlob", 1, 6144);
        errors.EncryptionContext(request.SourceEncryptionContext, "sourceEncryptionContext");
        errors.KeyId(request.SourceKeyId, "sourceKeyId", required: false);
        errors.KeyId(request.DestinationKeyId, "destinationKeyId");
        errors.EncryptionContext(request.DestinationEncryptionContext, "destinationEncryptionContext");
        errors.OneOf<EncryptionAlgorithm>(request.SourceEncryptionAlgorithm, "sourceEncryptionAlgorithm");
        errors.OneOf<EncryptionAlgorithm>(request.DestinationEncryptionAlgorithm, "destinationEncryptionAlgorithm");
        errors.GrantTokens(request.GrantTokens);
        request.DryRunModifiers?.ForEach(m => errors.OneOf(m, "dryRunModifiers", ModelPatterns.DryRunModifiers));
    }

    protected override async Task<ReEncryptResponse> ExecuteAsync(RequestContext context, ReEncryptRequest request, CancellationToken cancellationToken)
    {
        var result = await crypto.ReEncryptAsync(
            context,
            request.CiphertextBlob,
            request.SourceEncryptionContext,
            request.SourceKeyId,
            ParseEnum<EncryptionAlgorithm>(request.SourceEncryptionAlgorithm),
            request.DestinationKeyId!,
            request.DestinationEncryptionContext,
            ParseEnum<EncryptionAlgorithm>(request.DestinationEncryptionAlgorithm),
            request.DryRun ?? false,
            IgnoresCiphertext(request.DryRunModifiers),
            cancellationToken).ConfigureAwait(false);
        return new ReEncryptResponse
        {
            CiphertextBlob = result.Destination.CiphertextBlob,
            SourceKeyId = result.Source.Key.Arn,
            KeyId = result.Destination.Key.Arn,
            SourceEncryptionAlgorithm = result.Source.Algorithm.ToString(),
            DestinationEncryptionAlgorithm = result.Destination.Algorithm.ToString(),
            SourceKeyMaterialId = result.Source.KeyMaterialId,
            DestinationKeyMaterialId = result.Destination.KeyMaterialId,
        };
    }
}

/// <summary>GenerateDataKey and GenerateDataKeyWithoutPlaintext: the same request, with or without the plaintext copy.</summary>
internal sealed class GenerateDataKeyOperation(DataKeyService dataKeys, bool includePlaintext)
    : KmsOperation<GenerateDataKeyRequest, GenerateDataKeyResponse>
{
    public override string Name => includePlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<GenerateDataKeyRequest> RequestType => KmsJsonContext.Default.GenerateDataKeyRequest;

    private protected override JsonTypeInfo<GenerateDataKeyResponse> ResponseType => KmsJsonContext.Default.GenerateDataKeyResponse;

    protected override void Validate(GenerateDataKeyRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.EncryptionContext(request.EncryptionContext, "encryptionContext");
        errors.Range(request.NumberOfBytes, "numberOfBytes", 1, 1024);
        errors.OneOf<DataKeySpec>(request.KeySpec, "keySpec");
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<GenerateDataKeyResponse> ExecuteAsync(
        RequestContext context, GenerateDataKeyRequest request, CancellationToken cancellationToken)
    {
        var result = await dataKeys.GenerateDataKeyAsync(
            context,
            request.KeyId!,
            request.EncryptionContext,
            request.NumberOfBytes,
            ParseEnum<DataKeySpec>(request.KeySpec),
            includePlaintext,
            request.DryRun ?? false,
            cancellationToken).ConfigureAwait(false);
        return new GenerateDataKeyResponse
        {
            CiphertextBlob = result.CiphertextBlob,
            Plaintext = result.Plaintext,
            KeyId = result.Key.Arn,
            KeyMaterialId = result.KeyMaterialId,
        };
    }
}

internal sealed class GenerateRandomOperation(DataKeyService dataKeys) : KmsOperation<GenerateRandomRequest, GenerateRandomResponse>
{
    public override string Name => "GenerateRandom";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<GenerateRandomRequest> RequestType => KmsJsonContext.Default.GenerateRandomRequest;

    private protected override JsonTypeInfo<GenerateRandomResponse> ResponseType => KmsJsonContext.Default.GenerateRandomResponse;

    protected override void Validate(GenerateRandomRequest request, ValidationErrors errors)
    {
        errors.Range(request.NumberOfBytes, "numberOfBytes", 1, 1024);
        errors.Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64);
    }

    protected override async Task<GenerateRandomResponse> ExecuteAsync(RequestContext context, GenerateRandomRequest request, CancellationToken cancellationToken) =>
        new()
        {
            Plaintext = await dataKeys.GenerateRandomAsync(context, request.NumberOfBytes, request.CustomKeyStoreId, cancellationToken).ConfigureAwait(false),
        };
}
