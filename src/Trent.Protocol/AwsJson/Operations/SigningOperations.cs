using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class SignOperation(SigningService signing) : KmsOperation<SignRequest, SignResponse>
{
    public override string Name => "Sign";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<SignRequest> RequestType => KmsJsonContext.Default.SignRequest;

    private protected override JsonTypeInfo<SignResponse> ResponseType => KmsJsonContext.Default.SignResponse;

    protected override void Validate(SignRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.Message, "message");
        errors.BlobLength(request.Message, "message", 1, 4096);
        errors.OneOf<MessageType>(request.MessageType, "messageType");
        errors.GrantTokens(request.GrantTokens);
        errors.Required(request.SigningAlgorithm, "signingAlgorithm");
        errors.OneOf<SigningAlgorithm>(request.SigningAlgorithm, "signingAlgorithm");
    }

    protected override async Task<SignResponse> ExecuteAsync(RequestContext context, SignRequest request, CancellationToken cancellationToken)
    {
        var result = await signing.SignAsync(
            context,
            request.KeyId!,
            request.Message!,
            ParseEnum<MessageType>(request.MessageType),
            Enum.Parse<SigningAlgorithm>(request.SigningAlgorithm!),
            request.DryRun ?? false,
            cancellationToken).ConfigureAwait(false);
        return new SignResponse { KeyId = result.Key.Arn, Signature = result.Signature, SigningAlgorithm = result.Algorithm.ToString() };
    }
}

internal sealed class VerifyOperation(SigningService signing) : KmsOperation<VerifyRequest, VerifyResponse>
{
    public override string Name => "Verify";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<VerifyRequest> RequestType => KmsJsonContext.Default.VerifyRequest;

    private protected override JsonTypeInfo<VerifyResponse> ResponseType => KmsJsonContext.Default.VerifyResponse;

    protected override void Validate(VerifyRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.Message, "message");
        errors.BlobLength(request.Message, "message", 1, 4096);
        errors.OneOf<MessageType>(request.MessageType, "messageType");
        errors.Required(request.Signature, "signature");
        errors.BlobLength(request.Signature, "signature", 1, 6144);
        errors.Required(request.SigningAlgorithm, "signingAlgorithm");
        errors.OneOf<SigningAlgorithm>(request.SigningAlgorithm, "signingAlgorithm");
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<VerifyResponse> ExecuteAsync(RequestContext context, VerifyRequest request, CancellationToken cancellationToken)
    {
        var algorithm = Enum.Parse<SigningAlgorithm>(request.SigningAlgorithm!);
        var key = await signing.VerifyAsync(
            context,
            request.KeyId!,
            request.Message!,
            ParseEnum<MessageType>(request.MessageType),
            request.Signature!,
            algorithm,
            request.DryRun ?? false,
            cancellationToken).ConfigureAwait(false);
        return new VerifyResponse { KeyId = key.Arn, SignatureValid = true, SigningAlgorithm = algorithm.ToString() };
    }
}

internal sealed class GetPublicKeyOperation(PublicKeyService publicKeys) : KmsOperation<DescribeKeyRequest, GetPublicKeyResponse>
{
    public override string Name => "GetPublicKey";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<DescribeKeyRequest> RequestType => KmsJsonContext.Default.DescribeKeyRequest;

    private protected override JsonTypeInfo<GetPublicKeyResponse> ResponseType => KmsJsonContext.Default.GetPublicKeyResponse;

    protected override void Validate(DescribeKeyRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<GetPublicKeyResponse> ExecuteAsync(RequestContext context, DescribeKeyRequest request, CancellationToken cancellationToken)
    {
        var result = await publicKeys.GetPublicKeyAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false);
        var key = result.Key;
        return new GetPublicKeyResponse
        {
            KeyId = key.Arn,
            PublicKey = result.PublicKey,
            CustomerMasterKeySpec = KeySpecRules.HasCustomerMasterKeySpec(key.KeySpec) ? key.KeySpec.ToString() : null,
            KeySpec = key.KeySpec.ToString(),
            KeyUsage = key.KeyUsage.ToString(),
            EncryptionAlgorithms = Names(KeySpecRules.EncryptionAlgorithms(key)),
            SigningAlgorithms = Names(KeySpecRules.SigningAlgorithms(key)),
            KeyAgreementAlgorithms = Names(KeySpecRules.KeyAgreementAlgorithms(key)),
        };
    }
}
