using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Api;

public sealed class TagTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    private static Tag T(string key, string value) => new() { TagKey = key, TagValue = value };

    [Fact]
    public async Task Tags_are_added_overwritten_listed_and_removed()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest { Tags = [T("team", "a"), T("env", "dev")] })).KeyMetadata;
        await _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("team", "b"), T("cost", "")] });

        var tags = (await _kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags;
        Assert.Equal(
            new[] { ("cost", ""), ("env", "dev"), ("team", "b") },
            tags.Select(t => (t.TagKey, t.TagValue)).OrderBy(t => t.TagKey, StringComparer.Ordinal));

        await _kms.UntagResourceAsync(new UntagResourceRequest { KeyId = key.Arn, TagKeys = ["env", "not-there"] });
        tags = (await _kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags;
        Assert.Equal(["cost", "team"], tags.Select(t => t.TagKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Tag_rules_are_AWS_rules()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("TagException", () => _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("aws:x", "1")] }),
            "Tags beginning with aws: are reserved");
        await ThrowsAws("TagException", () => _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("AWS:x", "1")] }),
            "Tags beginning with aws: are reserved");
        await ThrowsAws("TagException", () => _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("a", "1"), T("a", "2")] }),
            "Duplicate tag keys");
        await ThrowsAws("TagException", () => _kms.CreateKeyAsync(new CreateKeyRequest { Tags = [T("aws:x", "1")] }),
            "Tags beginning with aws: are reserved");

        var longKey = new string('k', 129);
        await ThrowsAws("ValidationException", () => _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("ok", "1"), T(longKey, "1")] }),
            $"1 validation error detected: Value '{longKey}' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128");
        var longValue = new string('v', 257);
        await ThrowsAws("ValidationException", () => _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [T("ok", longValue)] }),
            $"1 validation error detected: Value '{longValue}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256");
        Assert.Empty((await _kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags);
    }

    [Fact]
    public async Task A_key_has_at_most_50_tags_and_a_refused_change_changes_nothing()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest { Tags = [.. Enumerable.Range(0, 45).Select(i => T($"k{i}", "v"))] })).KeyMetadata;
        await ThrowsAws("TagException", () => _kms.TagResourceAsync(new TagResourceRequest
        {
            KeyId = key.KeyId,
            Tags = [.. Enumerable.Range(100, 6).Select(i => T($"k{i}", "v"))],
        }), "Too many tags");
        Assert.Equal(45, (await _kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags.Count);
        await ThrowsAws("TagException", () => _kms.CreateKeyAsync(new CreateKeyRequest { Tags = [.. Enumerable.Range(0, 51).Select(i => T($"k{i}", "v"))] }),
            "Too many tags");
    }

    [Fact]
    public async Task ListResourceTags_pages()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest { Tags = [.. Enumerable.Range(0, 12).Select(i => T($"k{i:D2}", "v"))] })).KeyMetadata;
        var seen = new List<string>();
        string? marker = null;
        do
        {
            var page = await _kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId, Limit = 5, Marker = marker });
            seen.AddRange(page.Tags.Select(t => t.TagKey));
            marker = page.NextMarker;
        }
        while (marker is not null);

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"k{i:D2}"), seen);
    }
}
