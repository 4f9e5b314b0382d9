using Trent.Domain.Policies.Language;

namespace Trent.Tests.Policies;

/// <summary>
/// Condition operators as IAM documents them ("IAM JSON policy elements: Condition operators" and
/// "Multivalued context keys"), one row a case: the condition block, the request's values, the expected result.
/// </summary>
public sealed class ConditionTable
{
    public static readonly TheoryData<string, string, string, bool> Cases = new()
    {
        // name, Condition JSON, request values ("key=v1|v2;key2=v"), expected
        { "StringEquals matches", """{"StringEquals":{"kms:EncryptionContext:app":"billing"}}""", "kms:EncryptionContext:app=billing", true },
        { "StringEquals is case-sensitive in values", """{"StringEquals":{"kms:EncryptionContext:app":"billing"}}""", "kms:EncryptionContext:app=Billing", false },
        { "StringEquals with a missing key is false", """{"StringEquals":{"kms:EncryptionContext:app":"billing"}}""", "", false },
        { "StringEquals: several values are alternatives", """{"StringEquals":{"kms:EncryptionContext:app":["a","billing"]}}""", "kms:EncryptionContext:app=billing", true },
        { "StringEquals: condition key names are case-insensitive", """{"StringEquals":{"KMS:ENCRYPTIONCONTEXT:APP":"billing"}}""", "kms:EncryptionContext:app=billing", true },
        { "StringNotEquals with a different value is true", """{"StringNotEquals":{"kms:CallerAccount":"111122223333"}}""", "kms:CallerAccount=444455556666", true },
        { "StringNotEquals with the value is false", """{"StringNotEquals":{"kms:CallerAccount":"111122223333"}}""", "kms:CallerAccount=111122223333", false },
        { "StringNotEquals with a missing key is true", """{"StringNotEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}""", "", true },
        { "StringNotEquals with any listed value is false", """{"StringNotEquals":{"kms:CallerAccount":["1","111122223333"]}}""", "kms:CallerAccount=111122223333", false },
        { "StringEqualsIgnoreCase ignores case", """{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"PAYMENTS"}}""", "aws:PrincipalTag/team=payments", true },
        { "StringEqualsIgnoreCase differs", """{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"PAYMENTS"}}""", "aws:PrincipalTag/team=billing", false },
        { "StringNotEqualsIgnoreCase same but for case is false", """{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"PAYMENTS"}}""", "aws:PrincipalTag/team=Payments", false },
        { "StringNotEqualsIgnoreCase missing is true", """{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"PAYMENTS"}}""", "", true },
        { "StringLike with *", """{"StringLike":{"kms:RequestAlias":"alias/app-*"}}""", "kms:RequestAlias=alias/app-prod", true },
        { "StringLike with * does not match another prefix", """{"StringLike":{"kms:RequestAlias":"alias/app-*"}}""", "kms:RequestAlias=alias/web-prod", false },
        { "StringLike with ?", """{"StringLike":{"kms:RequestAlias":"alias/v?"}}""", "kms:RequestAlias=alias/v2", true },
        { "StringLike ? is exactly one character", """{"StringLike":{"kms:RequestAlias":"alias/v?"}}""", "kms:RequestAlias=alias/v10", false },
        { "StringLike * in the middle", """{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin"}}""", "aws:PrincipalArn=arn:aws:iam::111122223333:role/admin", true },
        { "StringLike * may match nothing", """{"StringLike":{"kms:RequestAlias":"alias/app*"}}""", "kms:RequestAlias=alias/app", true },
        { "StringLike missing key is false", """{"StringLike":{"kms:RequestAlias":"*"}}""", "", false },
        { "StringNotLike missing key is true", """{"StringNotLike":{"kms:RequestAlias":"alias/app-*"}}""", "", true },
        { "StringNotLike with a matching value is false", """{"StringNotLike":{"kms:RequestAlias":"alias/app-*"}}""", "kms:RequestAlias=alias/app-1", false },
        { "StringNotLike with another value is true", """{"StringNotLike":{"kms:RequestAlias":"alias/app-*"}}""", "kms:RequestAlias=alias/x", true },
        { "NumericEquals", """{"NumericEquals":{"kms:RotationPeriodInDays":"365"}}""", "kms:RotationPeriodInDays=365", true },
        { "NumericEquals takes JSON numbers", """{"NumericEquals":{"kms:RotationPeriodInDays":365}}""", "kms:RotationPeriodInDays=365", true },
        { "NumericNotEquals", """{"NumericNotEquals":{"kms:RotationPeriodInDays":"365"}}""", "kms:RotationPeriodInDays=90", true },
        { "NumericNotEquals same value is false", """{"NumericNotEquals":{"kms:RotationPeriodInDays":"365"}}""", "kms:RotationPeriodInDays=365", false },
        { "NumericLessThan true", """{"NumericLessThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":"10"}}""", "kms:ScheduleKeyDeletionPendingWindowInDays=7", true },
        { "NumericLessThan equal is false", """{"NumericLessThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":"10"}}""", "kms:ScheduleKeyDeletionPendingWindowInDays=10", false },
        { "NumericLessThanEquals equal is true", """{"NumericLessThanEquals":{"kms:ScheduleKeyDeletionPendingWindowInDays":"10"}}""", "kms:ScheduleKeyDeletionPendingWindowInDays=10", true },
        { "NumericGreaterThan true", """{"NumericGreaterThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":"20"}}""", "kms:ScheduleKeyDeletionPendingWindowInDays=30", true },
        { "NumericGreaterThan false", """{"NumericGreaterThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":"20"}}""", "kms:ScheduleKeyDeletionPendingWindowInDays=7", false },
        { "NumericGreaterThanEquals equal is true", """{"NumericGreaterThanEquals":{"kms:ScheduleKeyDeletionPendingWindowInDays":"20"}}""", "kms:ScheduleKeyDeletionPendingWindowInDays=20", true },
        { "Numeric with a non-number request value is false", """{"NumericEquals":{"kms:RotationPeriodInDays":"365"}}""", "kms:RotationPeriodInDays=abc", false },
        { "Numeric compares decimals", """{"NumericLessThan":{"kms:RotationPeriodInDays":"90.5"}}""", "kms:RotationPeriodInDays=90", true },
        { "DateLessThan ISO 8601", """{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}""", "aws:CurrentTime=2026-11-29T05:00:00Z", true },
        { "DateLessThan later is false", """{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}""", "aws:CurrentTime=2026-11-29T05:00:00Z", false },
        { "DateGreaterThan", """{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}""", "aws:CurrentTime=2026-11-29T05:00:00Z", true },
        { "DateGreaterThanEquals at the instant", """{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-11-29T05:00:00Z"}}""", "aws:CurrentTime=2026-11-29T05:00:00Z", true },
        { "DateLessThanEquals at the instant", """{"DateLessThanEquals":{"aws:CurrentTime":"2026-11-29T05:00:00Z"}}""", "aws:CurrentTime=2026-11-29T05:00:00Z", true },
        { "DateEquals with epoch seconds", """{"DateEquals":{"aws:EpochTime":"1700000000"}}""", "aws:EpochTime=1700000000", true },
        { "DateNotEquals", """{"DateNotEquals":{"aws:CurrentTime":"2026-11-29T05:00:00Z"}}""", "aws:CurrentTime=2026-11-29T06:00:00Z", true },
        { "Date policy value in epoch against ISO request", """{"DateGreaterThan":{"aws:CurrentTime":"1700000000"}}""", "aws:CurrentTime=2026-11-29T05:00:00Z", true },
        { "Bool true", """{"Bool":{"aws:SecureTransport":"true"}}""", "aws:SecureTransport=true", true },
        { "Bool false does not match true", """{"Bool":{"aws:SecureTransport":"false"}}""", "aws:SecureTransport=true", false },
        { "Bool takes JSON booleans", """{"Bool":{"kms:BypassPolicyLockoutSafetyCheck":true}}""", "kms:BypassPolicyLockoutSafetyCheck=true", true },
        { "Bool with a missing key is false", """{"Bool":{"kms:GrantIsForAWSResource":"true"}}""", "", false },
        { "BoolIfExists with a missing key is true", """{"BoolIfExists":{"kms:GrantIsForAWSResource":"false"}}""", "", true },
        { "IpAddress inside the range", """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=203.0.113.7", true },
        { "IpAddress outside the range", """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=198.51.100.7", false },
        { "IpAddress single address", """{"IpAddress":{"aws:SourceIp":"127.0.0.1"}}""", "aws:SourceIp=127.0.0.1", true },
        { "IpAddress IPv6 range", """{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}""", "aws:SourceIp=2001:db8::1", true },
        { "NotIpAddress outside is true", """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=198.51.100.7", true },
        { "NotIpAddress inside is false", """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=203.0.113.9", false },
        { "NotIpAddress missing is true", """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "", true },
        { "ArnEquals", """{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}""", "aws:PrincipalArn=arn:aws:iam::111122223333:role/app", true },
        { "ArnLike with a wildcard account", """{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app"}}""", "aws:PrincipalArn=arn:aws:iam::444455556666:role/app", true },
        { "ArnLike wildcard stays within its part", """{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}""", "aws:PrincipalArn=arn:aws:iam::111122223333:role/app", false },
        { "ArnLike resource wildcard", """{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}}""", "aws:PrincipalArn=arn:aws:iam::111122223333:role/app", true },
        { "ArnLike of a non-ARN is false", """{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:*"}}""", "aws:PrincipalArn=root", false },
        { "ArnNotEquals", """{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}""", "aws:PrincipalArn=arn:aws:iam::111122223333:role/other", true },
        { "ArnNotLike missing key is true", """{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app"}}""", "", true },
        { "ArnNotLike matching is false", """{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app"}}""", "aws:PrincipalArn=arn:aws:iam::111122223333:role/app", false },
        { "Null true: the key is absent", """{"Null":{"kms:EncryptionContextKeys":"true"}}""", "", true },
        { "Null true: the key is present", """{"Null":{"kms:EncryptionContextKeys":"true"}}""", "kms:EncryptionContextKeys=app", false },
        { "Null false: the key is present", """{"Null":{"kms:EncryptionContextKeys":"false"}}""", "kms:EncryptionContextKeys=app", true },
        { "Null false: the key is absent", """{"Null":{"kms:EncryptionContextKeys":"false"}}""", "", false },
        { "StringEqualsIfExists with a missing key is true", """{"StringEqualsIfExists":{"kms:EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}}""", "", true },
        { "StringEqualsIfExists with a matching value is true", """{"StringEqualsIfExists":{"kms:EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}}""", "kms:EncryptionAlgorithm=SYMMETRIC_DEFAULT", true },
        { "StringEqualsIfExists with another value is false", """{"StringEqualsIfExists":{"kms:EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}}""", "kms:EncryptionAlgorithm=RSAES_OAEP_SHA_256", false },
        { "NumericLessThanIfExists missing is true", """{"NumericLessThanIfExists":{"kms:RotationPeriodInDays":"100"}}""", "", true },
        { "ForAnyValue: one value matches", """{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":["app","env"]}}""", "kms:EncryptionContextKeys=x|env", true },
        { "ForAnyValue: no value matches", """{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":["app","env"]}}""", "kms:EncryptionContextKeys=x|y", false },
        { "ForAnyValue: missing key is false", """{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"app"}}""", "", false },
        { "ForAllValues: every value is listed", """{"ForAllValues:StringEquals":{"kms:GrantOperations":["Encrypt","Decrypt"]}}""", "kms:GrantOperations=Decrypt|Encrypt", true },
        { "ForAllValues: one value is not listed", """{"ForAllValues:StringEquals":{"kms:GrantOperations":["Encrypt","Decrypt"]}}""", "kms:GrantOperations=Decrypt|CreateGrant", false },
        { "ForAllValues: missing key is true", """{"ForAllValues:StringEquals":{"kms:GrantOperations":["Encrypt"]}}""", "", true },
        { "ForAllValues:StringLike", """{"ForAllValues:StringLike":{"aws:TagKeys":["team-*"]}}""", "aws:TagKeys=team-a|team-b", true },
        { "ForAllValues:StringNotEquals: none is listed", """{"ForAllValues:StringNotEquals":{"aws:TagKeys":["owner"]}}""", "aws:TagKeys=team|cost", true },
        { "ForAllValues:StringNotEquals: one is listed", """{"ForAllValues:StringNotEquals":{"aws:TagKeys":["owner"]}}""", "aws:TagKeys=team|owner", false },
        { "ForAnyValue:StringNotEquals: one is not listed", """{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["owner"]}}""", "aws:TagKeys=owner|team", true },
        { "ForAnyValue:StringNotEquals: all listed", """{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["owner"]}}""", "aws:TagKeys=owner", false },
        { "Plain operator on a multivalued key matches any value", """{"StringEquals":{"kms:ResourceAliases":"alias/app"}}""", "kms:ResourceAliases=alias/x|alias/app", true },
        { "Two keys under one operator must both hold", """{"StringEquals":{"kms:CallerAccount":"111122223333","kms:EncryptionContext:app":"a"}}""", "kms:CallerAccount=111122223333;kms:EncryptionContext:app=b", false },
        { "Two keys under one operator both holding", """{"StringEquals":{"kms:CallerAccount":"111122223333","kms:EncryptionContext:app":"a"}}""", "kms:CallerAccount=111122223333;kms:EncryptionContext:app=a", true },
        { "Two operators must both hold", """{"StringEquals":{"kms:CallerAccount":"111122223333"},"Bool":{"aws:SecureTransport":"true"}}""", "kms:CallerAccount=111122223333;aws:SecureTransport=false", false },
        { "Two operators both holding", """{"StringEquals":{"kms:CallerAccount":"111122223333"},"Bool":{"aws:SecureTransport":"true"}}""", "kms:CallerAccount=111122223333;aws:SecureTransport=true", true },
        { "An empty Condition block always holds", """{}""", "", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Condition_evaluates_as_IAM_documents(string name, string condition, string request, bool expected)
    {
        var policy = PolicyParser.Parse(
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{{condition}}}]}""",
            PolicyKind.Identity);
        var result = policy.EvaluateIdentity("kms:Encrypt", "arn:aws:kms:us-east-1:111122223333:key/k", new Values(request));
        Assert.True((result == Effect.Allow) == expected, name);
    }

    /// <summary>Request condition values from "key=v1|v2;key2=v".</summary>
    internal sealed class Values(string spec) : IConditionValues
    {
        private readonly Dictionary<string, IReadOnlyList<string>> _values = spec.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => (IReadOnlyList<string>)p[1].Split('|'), StringComparer.OrdinalIgnoreCase);

        public bool TryGetValues(string key, out IReadOnlyList<string> values) => _values.TryGetValue(key, out values!);
    }
}
