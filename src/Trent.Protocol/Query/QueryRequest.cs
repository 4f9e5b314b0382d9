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
            $"1 validation error detected: Value null at '{char.ToLowerInvariant(name[0])}{name[1..]}' failed to satisfy constraint: Member must not be null");

    public int? Int(string name) =>
        Get(name) is { } text
            ? int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value
                : throw IamException.Validation($"Value '{text}' at '{name}' is not a valid integer.")
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
}
