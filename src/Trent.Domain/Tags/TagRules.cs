using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.Tags;

/// <summary>AWS's tag rules (digest §6.5): reserved prefix, duplicate keys, at most 50 tags per key.</summary>
public static class TagRules
{
    public const int MaxTagsPerKey = 50;

    public static void ValidateRequest(IReadOnlyList<Tag> tags)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (tag.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw KmsErrors.Tag("Tags beginning with aws: are reserved");
            }

            if (!seen.Add(tag.Key))
            {
                throw KmsErrors.Tag("Duplicate tag keys");
            }
        }

        if (tags.Count > MaxTagsPerKey)
        {
            throw KmsErrors.Tag("Too many tags");
        }
    }

    /// <summary>The key's tags with <paramref name="changes"/> added or overwritten, in a stable order.</summary>
    public static IReadOnlyList<Tag> Merge(IReadOnlyList<Tag> current, IReadOnlyList<Tag> changes)
    {
        var merged = current.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        foreach (var tag in changes)
        {
            merged[tag.Key] = tag.Value;
        }

        if (merged.Count > MaxTagsPerKey)
        {
            throw KmsErrors.Tag("Too many tags");
        }

        return [.. merged.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new Tag(p.Key, p.Value))];
    }
}
