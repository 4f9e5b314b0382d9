using Trent.Domain.Auth;
using Trent.Domain.Paging;
using Trent.Domain.Tags;

namespace Trent.Domain.Keys;

/// <summary>TagResource, UntagResource and ListResourceTags.</summary>
public sealed class KeyTagService(KeyResolver resolver, KeyUpdater updater, IAuthorizer authorizer)
{
    private const string TagListName = "tags";

    public Task TagResourceAsync(RequestContext context, string keyId, IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
    {
        TagRules.ValidateRequest(tags);
        context.Conditions.RequestTags = tags.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        return updater.UpdateAsync(context, keyId, "kms:TagResource", key =>
        {
            KeyStateRules.RequireNotPendingDeletion(key);
            return key with { Tags = TagRules.Merge(key.Tags, tags) };
        }, cancellationToken).AsTask();
    }

    public Task UntagResourceAsync(RequestContext context, string keyId, IReadOnlyList<string> tagKeys, CancellationToken cancellationToken)
    {
        context.Conditions.TagKeys = tagKeys;
        return updater.UpdateAsync(context, keyId, "kms:UntagResource", key =>
        {
            KeyStateRules.RequireNotPendingDeletion(key);
            var remaining = key.Tags.Where(t => !tagKeys.Contains(t.Key, StringComparer.Ordinal)).ToList();
            return remaining.Count == key.Tags.Count ? null : key with { Tags = remaining };
        }, cancellationToken).AsTask();
    }

    public async Task<Page<Tag>> ListResourceTagsAsync(
        RequestContext context, string keyId, int limit, string? marker, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:ListResourceTags", key, cancellationToken).ConfigureAwait(false);
        var after = PageMarker.Decode(TagListName, marker, _ => true);
        var remaining = key.Tags.Where(t => after is null || string.CompareOrdinal(t.Key, after) > 0).ToList();
        return remaining.Count > limit
            ? new Page<Tag>([.. remaining.Take(limit)], PageMarker.Encode(TagListName, remaining[limit - 1].Key))
            : new Page<Tag>(remaining, null);
    }
}
