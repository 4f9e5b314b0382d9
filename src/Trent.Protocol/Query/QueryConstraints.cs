using System.Globalization;
using System.Text.RegularExpressions;
using Trent.Domain.Identity;

namespace Trent.Protocol.Query;

/// <summary>
/// The model constraints of the IAM and STS members Trent reads (lengths, patterns, ranges as in AWS's API
/// reference), checked before an action runs and reported as AWS's front end reports them:
/// <c>N validation error(s) detected: Value 'v' at 'member' failed to satisfy constraint: Member must …</c>.
/// AWS's patterns are Java regular expressions, where <c>\w</c> is ASCII only: the .NET forms spell that out, so
/// that non-ASCII letters are refused as AWS refuses them.
/// </summary>
public sealed partial class QueryConstraints
{
    private const string NamePattern = @"[\w+=,.@-]+";
    private const string PathPattern = @"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
    private const string PathPrefixPattern = @"\u002F[\u0021-\u007F]*";
    private const string PolicyPattern = @"[\u0009\u000A\u000D\u0020-\u00FF]+";
    private const string DescriptionPattern = @"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*";
    private const string TagKeyPattern = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";
    private const string TagValuePattern = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]*";
    private const string MarkerPattern = @"[\u0020-\u00FF]+";
    private const string AccessKeyIdPattern = @"[\w]+";
    private const string SessionNamePattern = @"[\w+=,.@-]*";
    private const string ExternalIdPattern = @"[\w+=,.@:\/-]*";
    private const string ArnPattern = @"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+";

    /// <summary>Tags per user or role (IAM quota); more is a validation error of the list.</summary>
    public const int MaxTags = 50;

    private readonly QueryRequest _q;
    private readonly List<string> _errors = [];

    private QueryConstraints(QueryRequest q) => _q = q;

    /// <summary>Checks the members of <paramref name="action"/>; throws ValidationError (or InvalidInput) if any is invalid.</summary>
    public static void Check(string action, QueryRequest q)
    {
        var c = new QueryConstraints(q);
        c.Members(action);
        if (c._errors.Count > 0)
        {
            var prefix = c._errors.Count == 1
                ? "1 validation error detected: "
                : string.Create(CultureInfo.InvariantCulture, $"{c._errors.Count} validation errors detected: ");
            throw IamException.Validation(prefix + string.Join("; ", c._errors));
        }

        if (action is "CreateUser" or "CreateRole")
        {
            DistinctTagKeys(q);
        }
    }

    private void Members(string action)
    {
        switch (action)
        {
            case "CreateUser":
                Name("UserName", required: true, max: 64);
                IamPath("Path");
                Tags();
                break;
            case "GetUser" or "CreateAccessKey":
                Name("UserName", required: false, max: 128);
                break;
            case "DeleteUser":
                Name("UserName", required: true, max: 128);
                break;
            case "ListAccessKeys":
                Name("UserName", required: false, max: 128);
                Paging();
                break;
            case "DeleteAccessKey":
                String("AccessKeyId", required: true, 16, 128, AccessKeyIdPattern, AccessKeyId());
                Name("UserName", required: false, max: 128);
                break;
            case "ListUsers" or "ListRoles":
                String("PathPrefix", required: false, 1, 512, PathPrefixPattern, PathPrefix());
                Paging();
                break;
            case "CreateRole":
                Name("RoleName", required: true, max: 64);
                IamPath("Path");
                Document("AssumeRolePolicyDocument", required: true, 131_072);
                String("Description", required: false, 0, 1000, DescriptionPattern, Description());
                Range("MaxSessionDuration", 3600, 43200);
                Tags();
                break;
            case "GetRole" or "DeleteRole":
                Name("RoleName", required: true, max: 64);
                break;
            case "PutUserPolicy" or "PutRolePolicy":
                IdentityName(action);
                Name("PolicyName", required: true, max: 128);
                Document("PolicyDocument", required: true, 131_072);
                break;
            case "GetUserPolicy" or "GetRolePolicy" or "DeleteUserPolicy" or "DeleteRolePolicy":
                IdentityName(action);
                Name("PolicyName", required: true, max: 128);
                break;
            case "ListUserPolicies" or "ListRolePolicies":
                IdentityName(action);
                Paging();
                break;
            case "AssumeRole":
                String("RoleArn", required: true, 20, 2048, ArnPattern, Arn());
                String("RoleSessionName", required: true, 2, 64, SessionNamePattern, SessionName());
                Range("DurationSeconds", 900, 43200);
                String("ExternalId", required: false, 2, 1224, ExternalIdPattern, ExternalId());
                Document("Policy", required: false, 2048);
                break;
        }
    }

    private void IdentityName(string action)
    {
        if (action.Contains("User", StringComparison.Ordinal))
        {
            Name("UserName", required: true, max: 128);
        }
        else
        {
            Name("RoleName", required: true, max: 64);
        }
    }

    private void Name(string member, bool required, int max) => String(member, required, 1, max, NamePattern, Name());

    private void IamPath(string member) => String(member, required: false, 1, 512, PathPattern, IamPath());

    private void Document(string member, bool required, int max) => String(member, required, 1, max, PolicyPattern, Policy());

    private void Paging()
    {
        String("Marker", required: false, 1, 320, MarkerPattern, Marker());
        Range("MaxItems", 1, 1000);
    }

    private void String(string member, bool required, int min, int max, string pattern, Regex regex)
    {
        var value = _q.Get(member);
        var path = QueryRequest.MemberPath(member);
        if (value is null)
        {
            if (required)
            {
                _errors.Add($"Value null at '{path}' failed to satisfy constraint: Member must not be null");
            }

            return;
        }

        Check(value, path, min, max, pattern, regex);
    }

    private void Check(string value, string path, int min, int max, string pattern, Regex regex)
    {
        if (value.Length < min)
        {
            _errors.Add(Invariant($"Value '{value}' at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}"));
        }
        else if (value.Length > max)
        {
            _errors.Add(Invariant($"Value '{value}' at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}"));
        }

        if (!regex.IsMatch(value))
        {
            _errors.Add($"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}");
        }
    }

    private void Range(string member, int min, int max)
    {
        var value = _q.Int(member);
        if (value < min)
        {
            _errors.Add(Invariant($"Value '{value}' at '{QueryRequest.MemberPath(member)}' failed to satisfy constraint: Member must have value greater than or equal to {min}"));
        }
        else if (value > max)
        {
            _errors.Add(Invariant($"Value '{value}' at '{QueryRequest.MemberPath(member)}' failed to satisfy constraint: Member must have value less than or equal to {max}"));
        }
    }

    /// <summary>Tags.member.N.Key and .Value: both required, each checked; at most 50.</summary>
    private void Tags()
    {
        var count = 0;
        for (var i = 1; _q.Get($"Tags.member.{i}.Key") is not null || _q.Get($"Tags.member.{i}.Value") is not null; i++)
        {
            count++;
            var path = Invariant($"tags.{i}.member");
            if (_q.Get($"Tags.member.{i}.Key") is { } key)
            {
                Check(key, path + ".key", 1, 128, TagKeyPattern, TagKey());
            }
            else
            {
                _errors.Add($"Value null at '{path}.key' failed to satisfy constraint: Member must not be null");
            }

            if (_q.Get($"Tags.member.{i}.Value") is { } value)
            {
                Check(value, path + ".value", 0, 256, TagValuePattern, TagValue());
            }
            else
            {
                _errors.Add($"Value null at '{path}.value' failed to satisfy constraint: Member must not be null");
            }
        }

        if (count > MaxTags)
        {
            _errors.Add(Invariant($"Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MaxTags}"));
        }
    }

    /// <summary>IAM tag keys are case-insensitive: two that differ only in case are refused, as AWS refuses them.</summary>
    private static void DistinctTagKeys(QueryRequest q)
    {
        var keys = q.Tags().Keys;
        if (keys.Distinct(StringComparer.OrdinalIgnoreCase).Count() != keys.Count || q.TagKeyCount() != keys.Count)
        {
            throw new IamException("InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]+$")]
    private static partial Regex Name();

    [GeneratedRegex(@"^(/|/[\u0021-\u007E]+/)$")]
    private static partial Regex IamPath();

    [GeneratedRegex(@"^/[\u0021-\u007F]*$")]
    private static partial Regex PathPrefix();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u00FF]+$")]
    private static partial Regex Policy();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$")]
    private static partial Regex Description();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$")]
    private static partial Regex TagKey();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagValue();

    [GeneratedRegex(@"^[\u0020-\u00FF]+$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^[A-Za-z0-9_]+$")]
    private static partial Regex AccessKeyId();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]*$")]
    private static partial Regex SessionName();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@:/-]*$")]
    private static partial Regex ExternalId();

    /// <summary>Any text but C0 controls other than tab, LF and CR, and lone surrogates (AWS's arnType).</summary>
    [GeneratedRegex(@"^(?:[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])+$")]
    private static partial Regex Arn();
}
