using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Keys;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class TagResourceOperation(KeyTagService tags) : KmsOperation<TagResourceRequest, EmptyResponse>
{
    public override string Name => "TagResource";

    private protected override JsonTypeInfo<TagResourceRequest> RequestType => KmsJsonContext.Default.TagResourceRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(TagResourceRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.Tags, "tags");
        errors.Tags(request.Tags);
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, TagResourceRequest request, CancellationToken cancellationToken)
    {
        await tags.TagResourceAsync(context, request.KeyId!, Tags(request.Tags), cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class UntagResourceOperation(KeyTagService tags) : KmsOperation<UntagResourceRequest, EmptyResponse>
{
    public override string Name => "UntagResource";

    private protected override JsonTypeInfo<UntagResourceRequest> RequestType => KmsJsonContext.Default.UntagResourceRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(UntagResourceRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Required(request.TagKeys, "tagKeys");
        for (var i = 0; request.TagKeys is not null && i < request.TagKeys.Count; i++)
        {
            var path = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"tagKeys.{i + 1}.member");
            errors.Required(request.TagKeys[i], path);
            errors.Length(request.TagKeys[i], path, 1, 128);
        }
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, UntagResourceRequest request, CancellationToken cancellationToken)
    {
        await tags.UntagResourceAsync(context, request.KeyId!, request.TagKeys!, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class ListResourceTagsOperation(KeyTagService tags) : KmsOperation<ListRequest, ListResourceTagsResponse>
{
    public override string Name => "ListResourceTags";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ListRequest> RequestType => KmsJsonContext.Default.ListRequest;

    private protected override JsonTypeInfo<ListResourceTagsResponse> ResponseType => KmsJsonContext.Default.ListResourceTagsResponse;

    protected override void Validate(ListRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.ListPaging(request.Limit, request.Marker);
    }

    protected override async Task<ListResourceTagsResponse> ExecuteAsync(RequestContext context, ListRequest request, CancellationToken cancellationToken)
    {
        var page = await tags.ListResourceTagsAsync(context, request.KeyId!, Limit(request.Limit, 50, 50), request.Marker, cancellationToken)
            .ConfigureAwait(false);
        return new ListResourceTagsResponse
        {
            Tags = [.. page.Items.Select(t => new TagEntry { TagKey = t.Key, TagValue = t.Value })],
            NextMarker = page.NextMarker,
            Truncated = page.Truncated,
        };
    }
}
