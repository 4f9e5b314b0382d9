using System.Globalization;
using System.Net;

namespace Trent.Domain.Policies.Language;

/// <summary>
/// One key under one operator, with its policy values (any of which may match), compiled when the policy
/// is parsed so that evaluation only compares. Semantics as IAM documents them: a missing key makes a
/// positive operator false and a negated one true; <c>IfExists</c> makes a missing key true;
/// <c>ForAllValues</c> is true for an empty set and <c>ForAnyValue</c> false.
/// </summary>
public sealed class PolicyCondition
{
    private readonly string[] _values;
    private readonly Wildcard[]? _patterns;
    private readonly decimal[]? _numbers;
    private readonly DateTimeOffset[]? _dates;
    private readonly IPNetwork[]? _networks;

    private PolicyCondition(ConditionOperator op, string key, string[] values)
    {
        Operator = op;
        Key = key;
        _values = values;
        switch (op.Comparison)
        {
            case ConditionComparison.StringLike:
                _patterns = [.. values.Select(v => new Wildcard(v, ignoreCase: false))];
                break;
            case ConditionComparison.NumericEquals or ConditionComparison.NumericLessThan or ConditionComparison.NumericLessThanEquals
                or ConditionComparison.NumericGreaterThan or ConditionComparison.NumericGreaterThanEquals:
                _numbers = [.. values.Select(v => TryNumber(v, out var n) ? n : throw Invalid(op, key, v))];
                break;
            case ConditionComparison.DateEquals or ConditionComparison.DateLessThan or ConditionComparison.DateLessThanEquals
                or ConditionComparison.DateGreaterThan or ConditionComparison.DateGreaterThanEquals:
                _dates = [.. values.Select(v => TryDate(v, out var d) ? d : throw Invalid(op, key, v))];
                break;
            case ConditionComparison.IpAddress:
                _networks = [.. values.Select(v => TryNetwork(v, out var n) ? n : throw Invalid(op, key, v))];
                break;
            case ConditionComparison.Bool or ConditionComparison.Null:
                if (values.Any(v => !bool.TryParse(v, out _)))
                {
                    throw Invalid(op, key, values.First(v => !bool.TryParse(v, out _)));
                }

                break;
            case ConditionComparison.ArnEquals or ConditionComparison.ArnLike:
                _patterns = [.. values.Select(v => new Wildcard(v, ignoreCase: false))];
                break;
        }
    }

    public ConditionOperator Operator { get; }

    public string Key { get; }

    public IReadOnlyList<string> Values => _values;

    public static PolicyCondition Create(ConditionOperator op, string key, string[] values) => new(op, key, values);

    public bool Evaluate(IConditionValues request)
    {
        var present = request.TryGetValues(Key, out var requestValues) && requestValues.Count > 0;
        if (Operator.Comparison == ConditionComparison.Null)
        {
            // "true" asks that the key be absent; several values are alternatives.
            return _values.Any(v => bool.Parse(v) != present);
        }

        if (!present)
        {
            return Operator.IfExists
                || Operator.Qualifier == SetQualifier.ForAllValues
                || (Operator.Qualifier == SetQualifier.None && Operator.Negated);
        }

        switch (Operator.Qualifier)
        {
            case SetQualifier.ForAllValues:
                foreach (var value in requestValues)
                {
                    if (MatchesAny(value) == Operator.Negated)
                    {
                        return false;
                    }
                }

                return true;
            case SetQualifier.ForAnyValue:
                foreach (var value in requestValues)
                {
                    if (MatchesAny(value) != Operator.Negated)
                    {
                        return true;
                    }
                }

                return false;
            default:
                var any = false;
                foreach (var value in requestValues)
                {
                    if (MatchesAny(value))
                    {
                        any = true;
                        break;
                    }
                }

                return any != Operator.Negated;
        }
    }

    private bool MatchesAny(string value)
    {
        switch (Operator.Comparison)
        {
            case ConditionComparison.StringEquals:
                return Array.IndexOf(_values, value) >= 0;
            case ConditionComparison.StringEqualsIgnoreCase:
                return _values.Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));
            case ConditionComparison.StringLike:
                return _patterns!.Any(p => p.IsMatch(value));
            case ConditionComparison.Bool:
                return _values.Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));
            case ConditionComparison.BinaryEquals:
                return Array.IndexOf(_values, value) >= 0;
            case ConditionComparison.ArnEquals or ConditionComparison.ArnLike:
                return _patterns!.Any(p => ArnMatches(p.Pattern, value));
            case ConditionComparison.IpAddress:
                return IPAddress.TryParse(value, out var address) && _networks!.Any(n => n.Contains(address));
            default:
                if (_numbers is not null)
                {
                    return TryNumber(value, out var number) && _numbers.Any(n => Compare(number.CompareTo(n)));
                }

                return TryDate(value, out var date) && _dates!.Any(d => Compare(date.CompareTo(d)));
        }
    }

    private bool Compare(int order) => Operator.Comparison switch
    {
        ConditionComparison.NumericEquals or ConditionComparison.DateEquals => order == 0,
        ConditionComparison.NumericLessThan or ConditionComparison.DateLessThan => order < 0,
        ConditionComparison.NumericLessThanEquals or ConditionComparison.DateLessThanEquals => order <= 0,
        ConditionComparison.NumericGreaterThan or ConditionComparison.DateGreaterThan => order > 0,
        _ => order >= 0,
    };

    /// <summary>ARNs compare part by part (six colon-separated parts); wildcards stay within a part.</summary>
    private static bool ArnMatches(string pattern, string arn)
    {
        if (pattern == "*")
        {
            return true;
        }

        var patternParts = pattern.Split(':', 6);
        var arnParts = arn.Split(':', 6);
        if (patternParts.Length != 6 || arnParts.Length != 6)
        {
            return false;
        }

        for (var i = 0; i < 6; i++)
        {
            if (!Wildcard.Matches(patternParts[i], arnParts[i], ignoreCase: false))
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>ISO 8601 dates and times, or seconds since the epoch (as <c>aws:EpochTime</c> gives them).</summary>
    public static bool TryDate(string text, out DateTimeOffset value)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= -62135596800 and <= 253402300799)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private static bool TryNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    private static PolicyFormatException Invalid(ConditionOperator op, string key, string value) =>
        new($"The condition {key} has a value '{value}' that is not valid for its operator {op.Comparison}.");
}
