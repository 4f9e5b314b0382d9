namespace Trent.Domain.Policies.Language;

/// <summary>
/// A policy pattern with <c>*</c> (any run of characters) and <c>?</c> (one character), compiled once:
/// patterns without wildcards compare as strings, and <c>*</c> alone matches without looking.
/// </summary>
public sealed class Wildcard
{
    private readonly string _pattern;
    private readonly StringComparison _comparison;
    private readonly Kind _kind;

    public Wildcard(string pattern, bool ignoreCase)
    {
        _pattern = pattern;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        _kind = pattern == "*" ? Kind.Any
            : pattern.AsSpan().IndexOfAny('*', '?') < 0 ? Kind.Exact
            : pattern.IndexOf('?', StringComparison.Ordinal) < 0 && pattern.IndexOf('*', StringComparison.Ordinal) == pattern.Length - 1 ? Kind.Prefix
            : Kind.General;
    }

    private enum Kind
    {
        Any,
        Exact,
        Prefix,
        General,
    }

    public string Pattern => _pattern;

    public bool IsMatch(string text) => _kind switch
    {
        Kind.Any => true,
        Kind.Exact => string.Equals(_pattern, text, _comparison),
        Kind.Prefix => text.AsSpan().StartsWith(_pattern.AsSpan(0, _pattern.Length - 1), _comparison),
        _ => Matches(_pattern, text, _comparison == StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>Glob matching with backtracking to the last star only: linear in practice, never exponential.</summary>
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
