using Trent.Domain.Identity;

namespace Trent.Protocol.Query;

/// <summary>The form parameters of a query-protocol request (<c>Action=…&amp;Version=…&amp;Name=value</c>).</summary>
public sealed class QueryRequest(Dictionary<string, string> parameters)
{
    public string? Action => Get("Action");

    public IReadOnlyDictionary<string, string> Parameters => parameters;

    public string? Get(string name) => parameters.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) =>
        Get(name) ?? throw IamException.Validation(
            $"1 validation error detected: Value null at '{MemberPath(name)}' failed to satisfy constraint: Member must not be null");

    /// <summary>A member's name as AWS's validation messages write it: camel case (UserName → userName).</summary>
    public static string MemberPath(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    public int? Int(string name) =>
        Get(name) is { } text
            ? int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value
                : throw IamException.Validation($"1 validation error detected: Value '{text}' at '{MemberPath(name)}' failed to satisfy constraint: Member must be an integer")
            : null;

    /// <summary>Tags.member.N.Key / Tags.member.N.Value.</summary>
    public Dictionary<string, string> Tags()
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; Get($"Tags.member.{i}.Key") is { } key; i++)
        {
            tags[key] = Get($"Tags.member.{i}.Value") ?? string.Empty;
        }

        return tags;
    }

    /// <summary>How many Tags.member.N.Key the request carries, duplicates included.</summary>
    public int TagKeyCount()
    {
        var count = 0;
        while (Get($"Tags.member.{count + 1}.Key") is not null)
        {
            count++;
        }

        return count;
    }
}
