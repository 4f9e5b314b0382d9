using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class GenerateMacOperation(MacService macs) : KmsOperation<GenerateMacRequest, GenerateMacResponse>
{
    public override string Name => "GenerateMac";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<GenerateMacRequest> RequestType => KmsJsonContext.Default.GenerateMacRequest;

    private protected override JsonTypeInfo<GenerateMacResponse> ResponseType => KmsJsonContext.Default.GenerateMacResponse;

    protected override void Validate(GenerateMacRequest request, ValidationErrors errors)
    {
        errors.Required(request.Message, "message");
        errors.BlobLength(request.Message, "message", 1, 4096);
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.MacAlgorithm, "macAlgorithm");
        errors.OneOf<MacAlgorithm>(request.MacAlgorithm, "macAlgorithm");
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<GenerateMacResponse> ExecuteAsync(RequestContext context, GenerateMacRequest request, CancellationToken cancellationToken)
    {
        var result = await macs.GenerateMacAsync(
            context, request.KeyId!, request.Message!, Enum.Parse<MacAlgorithm>(request.MacAlgorithm!), request.DryRun ?? false, cancellationToken)
            .ConfigureAwait(false);
        return new GenerateMacResponse { Mac = result.Mac, MacAlgorithm = result.Algorithm.ToString(), KeyId = result.Key.Arn };
    }
}

internal sealed class VerifyMacOperation(MacService macs) : KmsOperation<VerifyMacRequest, VerifyMacResponse>
{
    public override string Name => "VerifyMac";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<VerifyMacRequest> RequestType => KmsJsonContext.Default.VerifyMacRequest;

    private protected override JsonTypeInfo<VerifyMacResponse> ResponseType => KmsJsonContext.Default.VerifyMacResponse;

    protected override void Validate(VerifyMacRequest request, ValidationErrors errors)
    {
        errors.Required(request.Message, "message");
        errors.BlobLength(request.Message, "message", 1, 4096);
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.MacAlgorithm, "macAlgorithm");
        errors.OneOf<MacAlgorithm>(request.MacAlgorithm, "macAlgorithm");
        errors.Required(request.Mac, "mac");
        errors.BlobLength(request.Mac, "mac", 1, 6144);
        errors.GrantTokens(request.GrantTokens);
    }

    protected override async Task<VerifyMacResponse> ExecuteAsync(RequestContext context, VerifyMacRequest request, CancellationToken cancellationToken)
    {
        var algorithm = Enum.Parse<MacAlgorithm>(request.MacAlgorithm!);
        var key = await macs.VerifyMacAsync(context, request.KeyId!, request.Message!, request.Mac!, algorithm, request.DryRun ?? false, cancellationToken)
            .ConfigureAwait(false);
        return new VerifyMacResponse { KeyId = key.Arn, MacValid = true, MacAlgorithm = algorithm.ToString() };
    }
}
