using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Aliases;
using Trent.Domain.Auth;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

/// <summary>CreateAlias and UpdateAlias share their shape: an alias name and a target key.</summary>
internal sealed class CreateOrUpdateAliasOperation(string name, Func<RequestContext, string, string, CancellationToken, Task> run)
    : KmsOperation<AliasRequest, EmptyResponse>
{
    public override string Name => name;

    private protected override JsonTypeInfo<AliasRequest> RequestType => KmsJsonContext.Default.AliasRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    public static CreateOrUpdateAliasOperation Create(AliasService aliases) => new("CreateAlias", aliases.CreateAliasAsync);

    public static CreateOrUpdateAliasOperation Update(AliasService aliases) => new("UpdateAlias", aliases.UpdateAliasAsync);

    protected override void Validate(AliasRequest request, ValidationErrors errors)
    {
        errors.AliasName(request.AliasName);
        errors.KeyId(request.TargetKeyId, "targetKeyId");
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, AliasRequest request, CancellationToken cancellationToken)
    {
        await run(context, request.AliasName!, request.TargetKeyId!, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class DeleteAliasOperation(AliasService aliases) : KmsOperation<AliasRequest, EmptyResponse>
{
    public override string Name => "DeleteAlias";

    private protected override JsonTypeInfo<AliasRequest> RequestType => KmsJsonContext.Default.AliasRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(AliasRequest request, ValidationErrors errors)
    {
        errors.AliasName(request.AliasName);
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, AliasRequest request, CancellationToken cancellationToken)
    {
        await aliases.DeleteAliasAsync(context, request.AliasName!, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class ListAliasesOperation(AliasService aliases) : KmsOperation<ListRequest, ListAliasesResponse>
{
    public override string Name => "ListAliases";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ListRequest> RequestType => KmsJsonContext.Default.ListRequest;

    private protected override JsonTypeInfo<ListAliasesResponse> ResponseType => KmsJsonContext.Default.ListAliasesResponse;

    protected override void Validate(ListRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId", required: false);
        errors.ListPaging(request.Limit, request.Marker);
    }

    protected override async Task<ListAliasesResponse> ExecuteAsync(RequestContext context, ListRequest request, CancellationToken cancellationToken)
    {
        var page = await aliases.ListAliasesAsync(context, request.KeyId, Limit(request.Limit, 50, 100), request.Marker, cancellationToken)
            .ConfigureAwait(false);
        return new ListAliasesResponse
        {
            Aliases = [.. page.Items.Select(a => Alias(a, AliasService.AliasArn(context, a.AccountId, a.AliasName)))],
            NextMarker = page.NextMarker,
            Truncated = page.Truncated,
        };
    }
}
