using System.Globalization;
using System.Text.RegularExpressions;
using Trent.Domain.Errors;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson;

/// <summary>
/// Collects model-constraint violations and reports them as AWS's front end does:
/// <c>N validation error(s) detected: Value 'v' at 'memberPath' failed to satisfy constraint: Member must …</c>,
/// joined with "; ". Blob values are never echoed (AWS omits them too).
/// </summary>
public sealed partial class ValidationErrors
{
    private List<string>? _errors;

    public bool Any => _errors is { Count: > 0 };

    public void Required(object? value, string path)
    {
        if (value is null)
        {
            Add($"Value null at '{path}' failed to satisfy constraint: Member must not be null");
        }
    }

    public void Length(string? value, string path, int min, int max)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length < min)
        {
            Add($"Value '{value}' at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}");
        }
        else if (value.Length > max)
        {
            Add($"Value '{value}' at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}");
        }
    }

    public void BlobLength(byte[]? value, string path, int min, int max)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length < min)
        {
            Add($"Value at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}");
        }
        else if (value.Length > max)
        {
            Add($"Value at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}");
        }
    }

    public void Range(int? value, string path, int min, int max)
    {
        if (value is null)
        {
            return;
        }

        if (value < min)
        {
            Add(Invariant($"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {min}"));
        }
        else if (value > max)
        {
            Add(Invariant($"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value less than or equal to {max}"));
        }
    }

    public void Pattern(string? value, string path, Regex pattern)
    {
        if (value is not null && !pattern.IsMatch(value))
        {
            Add($"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}");
        }
    }

    public void OneOf(string? value, string path, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Add($"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
    }

    public void OneOf<TEnum>(string? value, string path)
        where TEnum : struct, Enum => OneOf(value, path, Enum.GetNames<TEnum>());

    // Shared member types of the KMS model.

    public void KeyId(string? value, string path, bool required = true)
    {
        if (required)
        {
            Required(value, path);
        }

        Length(value, path, 1, 2048);
    }

    public void AliasName(string? value)
    {
        Required(value, "aliasName");
        Length(value, "aliasName", 1, 256);
        Pattern(value, "aliasName", ModelPatterns.AliasName());
    }

    public void ListPaging(int? limit, string? marker)
    {
        Range(limit, "limit", 1, 1000);
        Length(marker, "marker", 1, 1024);
        Pattern(marker, "marker", MarkerPattern());
    }

    /// <summary>Whether <see cref="GrantTokens"/> ran, so that an operation that forgot it is still checked.</summary>
    public bool GrantTokensChecked { get; private set; }

    public void GrantTokens(List<string>? tokens)
    {
        GrantTokensChecked = true;
        if (tokens is null)
        {
            return;
        }

        if (tokens.Count > 10)
        {
            Add("Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10");
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            Required(tokens[i], Invariant($"grantTokens.{i + 1}.member"));
            Length(tokens[i], Invariant($"grantTokens.{i + 1}.member"), 1, 8192);
        }
    }

    public void Tags(List<TagEntry>? tags)
    {
        if (tags is null)
        {
            return;
        }

        for (var i = 0; i < tags.Count; i++)
        {
            var path = Invariant($"tags.{i + 1}.member");
            if (tags[i] is null)
            {
                Required(null, path);
                continue;
            }

            Required(tags[i].TagKey, path + ".tagKey");
            Length(tags[i].TagKey, path + ".tagKey", 1, 128);
            Required(tags[i].TagValue, path + ".tagValue");
            Length(tags[i].TagValue, path + ".tagValue", 0, 256);
        }
    }

    public void EncryptionContext(Dictionary<string, string>? context, string path)
    {
        if (context is null)
        {
            return;
        }

        foreach (var (key, value) in context)
        {
            if (key.Length == 0 || value is null)
            {
                Add($"Value at '{path}' failed to satisfy constraint: Map keys must not be empty and map values must not be null");
                return;
            }
        }
    }

    public void ThrowIfAny()
    {
        if (_errors is not { Count: > 0 } errors)
        {
            return;
        }

        var prefix = errors.Count == 1
            ? "1 validation error detected: "
            : Invariant($"{errors.Count} validation errors detected: ");
        throw new KmsException(KmsErrorCode.Validation, prefix + string.Join("; ", errors));
    }

    private void Add(string error) => (_errors ??= []).Add(error);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[\\u0020-\\u00FF]*$")]
    private static partial Regex MarkerPattern();
}
