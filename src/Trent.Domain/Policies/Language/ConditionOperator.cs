namespace Trent.Domain.Policies.Language;

/// <summary>The base comparison of a condition operator; the "Not" forms are the base negated.</summary>
public enum ConditionComparison
{
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnEquals,
    ArnLike,
    Null,
}

/// <summary>How a condition treats a multivalued request key: plain, <c>ForAnyValue:</c> or <c>ForAllValues:</c>.</summary>
public enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}

/// <summary>A parsed operator name such as <c>ForAnyValue:StringNotLikeIfExists</c>.</summary>
public sealed record ConditionOperator(ConditionComparison Comparison, bool Negated, bool IfExists, SetQualifier Qualifier)
{
    private static readonly Dictionary<string, (ConditionComparison Comparison, bool Negated)> Names = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = (ConditionComparison.StringEquals, false),
        ["StringNotEquals"] = (ConditionComparison.StringEquals, true),
        ["StringEqualsIgnoreCase"] = (ConditionComparison.StringEqualsIgnoreCase, false),
        ["StringNotEqualsIgnoreCase"] = (ConditionComparison.StringEqualsIgnoreCase, true),
        ["StringLike"] = (ConditionComparison.StringLike, false),
        ["StringNotLike"] = (ConditionComparison.StringLike, true),
        ["NumericEquals"] = (ConditionComparison.NumericEquals, false),
        ["NumericNotEquals"] = (ConditionComparison.NumericEquals, true),
        ["NumericLessThan"] = (ConditionComparison.NumericLessThan, false),
        ["NumericLessThanEquals"] = (ConditionComparison.NumericLessThanEquals, false),
        ["NumericGreaterThan"] = (ConditionComparison.NumericGreaterThan, false),
        ["NumericGreaterThanEquals"] = (ConditionComparison.NumericGreaterThanEquals, false),
        ["DateEquals"] = (ConditionComparison.DateEquals, false),
        ["DateNotEquals"] = (ConditionComparison.DateEquals, true),
        ["DateLessThan"] = (ConditionComparison.DateLessThan, false),
        ["DateLessThanEquals"] = (ConditionComparison.DateLessThanEquals, false),
        ["DateGreaterThan"] = (ConditionComparison.DateGreaterThan, false),
        ["DateGreaterThanEquals"] = (ConditionComparison.DateGreaterThanEquals, false),
        ["Bool"] = (ConditionComparison.Bool, false),
        ["BinaryEquals"] = (ConditionComparison.BinaryEquals, false),
        ["IpAddress"] = (ConditionComparison.IpAddress, false),
        ["NotIpAddress"] = (ConditionComparison.IpAddress, true),
        ["ArnEquals"] = (ConditionComparison.ArnEquals, false),
        ["ArnNotEquals"] = (ConditionComparison.ArnEquals, true),
        ["ArnLike"] = (ConditionComparison.ArnLike, false),
        ["ArnNotLike"] = (ConditionComparison.ArnLike, true),
        ["Null"] = (ConditionComparison.Null, false),
    };

    public static ConditionOperator? TryParse(string name)
    {
        var qualifier = SetQualifier.None;
        if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAnyValue;
            name = name["ForAnyValue:".Length..];
        }
        else if (name.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAllValues;
            name = name["ForAllValues:".Length..];
        }

        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal) && name != "IfExists";
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }

        if (!Names.TryGetValue(name, out var found) || (found.Comparison == ConditionComparison.Null && (ifExists || qualifier != SetQualifier.None)))
        {
            return null;
        }

        return new ConditionOperator(found.Comparison, found.Negated, ifExists, qualifier);
    }
}
