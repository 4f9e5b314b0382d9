using Trent.Domain.Policies.Language;

namespace Trent.Tests.Policies;

/// <summary>Statement matching (Action, NotAction, Resource, NotResource, Effect) and policy parsing, from IAM's documented rules.</summary>
public sealed class StatementTable
{
    private const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    public static readonly TheoryData<string, string, string, string, Effect> Identity = new()
    {
        // name, statements, action, resource, expected
        { "exact action and resource", """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"KEY"}""", "kms:Encrypt", Key, Effect.Allow },
        { "another action does not match", """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}""", "kms:Decrypt", Key, Effect.None },
        { "actions match case-insensitively", """{"Effect":"Allow","Action":"KMS:encrypt","Resource":"*"}""", "kms:Encrypt", Key, Effect.Allow },
        { "kms:* matches every KMS action", """{"Effect":"Allow","Action":"kms:*","Resource":"*"}""", "kms:ScheduleKeyDeletion", Key, Effect.Allow },
        { "* matches every action", """{"Effect":"Allow","Action":"*","Resource":"*"}""", "iam:CreateUser", "arn:aws:iam::111122223333:user/x", Effect.Allow },
        { "kms:Gen* matches GenerateDataKey", """{"Effect":"Allow","Action":"kms:Gen*","Resource":"*"}""", "kms:GenerateDataKey", Key, Effect.Allow },
        { "kms:Gen* does not match Encrypt", """{"Effect":"Allow","Action":"kms:Gen*","Resource":"*"}""", "kms:Encrypt", Key, Effect.None },
        { "kms:*Grant matches CreateGrant", """{"Effect":"Allow","Action":"kms:*Grant","Resource":"*"}""", "kms:CreateGrant", Key, Effect.Allow },
        { "kms:?ncrypt matches Encrypt", """{"Effect":"Allow","Action":"kms:?ncrypt","Resource":"*"}""", "kms:Encrypt", Key, Effect.Allow },
        { "a list of actions", """{"Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}""", "kms:Encrypt", Key, Effect.Allow },
        { "the service prefix must match", """{"Effect":"Allow","Action":"iam:*","Resource":"*"}""", "kms:Encrypt", Key, Effect.None },
        { "NotAction allows what it does not name", """{"Effect":"Allow","NotAction":"kms:ScheduleKeyDeletion","Resource":"*"}""", "kms:Encrypt", Key, Effect.Allow },
        { "NotAction does not allow what it names", """{"Effect":"Allow","NotAction":"kms:ScheduleKeyDeletion","Resource":"*"}""", "kms:ScheduleKeyDeletion", Key, Effect.None },
        { "NotAction with a wildcard", """{"Effect":"Allow","NotAction":"kms:*","Resource":"*"}""", "kms:Encrypt", Key, Effect.None },
        { "resource wildcard on key IDs", """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*"}""", "kms:Encrypt", Key, Effect.Allow },
        { "resource of another account", """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"arn:aws:kms:us-east-1:444455556666:key/*"}""", "kms:Encrypt", Key, Effect.None },
        { "resource of another Region", """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"arn:aws:kms:eu-west-1:111122223333:key/*"}""", "kms:Encrypt", Key, Effect.None },
        { "resources match case-sensitively", """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"arn:aws:kms:us-east-1:111122223333:KEY/*"}""", "kms:Encrypt", Key, Effect.None },
        { "a list of resources", """{"Effect":"Allow","Action":"kms:Encrypt","Resource":["arn:aws:kms:*:*:alias/*","KEY"]}""", "kms:Encrypt", Key, Effect.Allow },
        { "NotResource allows other resources", """{"Effect":"Allow","Action":"kms:Encrypt","NotResource":"arn:aws:kms:*:*:key/other"}""", "kms:Encrypt", Key, Effect.Allow },
        { "NotResource excludes the named resource", """{"Effect":"Allow","Action":"kms:Encrypt","NotResource":"KEY"}""", "kms:Encrypt", Key, Effect.None },
        { "an explicit Deny", """{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}""", "kms:Encrypt", Key, Effect.Deny },
        { "Deny beats Allow in the same policy", """{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}""", "kms:Encrypt", Key, Effect.Deny },
        { "Deny beats Allow whatever the order", """{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"},{"Effect":"Allow","Action":"kms:*","Resource":"*"}""", "kms:Encrypt", Key, Effect.Deny },
        { "a Deny for another action leaves the Allow", """{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}""", "kms:Encrypt", Key, Effect.Allow },
        { "a Deny whose condition fails does not apply", """{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}""", "kms:Encrypt", Key, Effect.Allow },
        { "a Deny with NotAction denies everything else", """{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"kms:Describe*","Resource":"*"}""", "kms:Encrypt", Key, Effect.Deny },
        { "a Deny with NotAction spares what it names", """{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"kms:Describe*","Resource":"*"}""", "kms:DescribeKey", Key, Effect.Allow },
        { "nothing matches: implicit deny", """{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}""", "kms:Encrypt", Key, Effect.None },
        { "an account-level action against Resource *", """{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*"}""", "kms:CreateKey", "*", Effect.Allow },
        { "a key ARN pattern does not cover account-level actions", """{"Effect":"Allow","Action":"kms:CreateKey","Resource":"arn:aws:kms:*:*:key/*"}""", "kms:CreateKey", "*", Effect.None },
    };

    [Theory]
    [MemberData(nameof(Identity))]
    public void Identity_policy_statements_match_as_IAM_documents(string name, string statements, string action, string resource, Effect expected)
    {
        var policy = PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{{statements.Replace("KEY", Key, StringComparison.Ordinal)}}]}""", PolicyKind.Identity);
        Assert.True(expected == policy.EvaluateIdentity(action, resource, new ConditionTable.Values(string.Empty)), name);
    }

    public static readonly TheoryData<string, string, PolicyKind, string> Malformed = new()
    {
        { "not JSON", "{", PolicyKind.Resource, "not valid JSON" },
        { "not an object", "[]", PolicyKind.Resource, "must be a JSON object" },
        { "no Statement", """{"Version":"2012-10-17"}""", PolicyKind.Resource, "Statement" },
        { "unknown version", """{"Version":"2020-01-01","Statement":[]}""", PolicyKind.Resource, "Version" },
        { "unknown top-level element", """{"Statement":[],"Extra":1}""", PolicyKind.Resource, "unknown element" },
        { "no Effect", """{"Statement":[{"Principal":"*","Action":"kms:*","Resource":"*"}]}""", PolicyKind.Resource, "Effect" },
        { "bad Effect", """{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"kms:*","Resource":"*"}]}""", PolicyKind.Resource, "Effect" },
        { "key policy statement without Principal", """{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""", PolicyKind.Resource, "no principal" },
        { "identity policy with a Principal", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}""", PolicyKind.Identity, "should not specify a principal" },
        { "identity policy without Resource", """{"Statement":[{"Effect":"Allow","Action":"kms:*"}]}""", PolicyKind.Identity, "must contain resources" },
        { "identity policy without Action", """{"Statement":[{"Effect":"Allow","Resource":"*"}]}""", PolicyKind.Identity, "must contain actions" },
        { "Action and NotAction together", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","NotAction":"kms:Encrypt","Resource":"*"}]}""", PolicyKind.Resource, "both Action and NotAction" },
        { "invalid action", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"Encrypt","Resource":"*"}]}""", PolicyKind.Resource, "invalid action" },
        { "invalid resource", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"my-key"}]}""", PolicyKind.Resource, "invalid resource" },
        { "invalid principal", """{"Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"kms:*","Resource":"*"}]}""", PolicyKind.Resource, "invalid principals" },
        { "unknown principal type", """{"Statement":[{"Effect":"Allow","Principal":{"Users":"x"},"Action":"kms:*","Resource":"*"}]}""", PolicyKind.Resource, "invalid principals" },
        { "unknown condition operator", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringSortOf":{"a":"b"}}}]}""", PolicyKind.Resource, "unsupported condition operator" },
        { "numeric condition on a word", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"NumericLessThan":{"kms:RotationPeriodInDays":"soon"}}}]}""", PolicyKind.Resource, "not valid" },
        { "date condition on a word", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}]}""", PolicyKind.Resource, "not valid" },
        { "ip condition on a word", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"home"}}}]}""", PolicyKind.Resource, "not valid" },
        { "duplicate Sid", """{"Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}""", PolicyKind.Resource, "unique" },
        { "policy variables are not supported", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"${aws:username}":"x"}}}]}""", PolicyKind.Resource, "invalid condition key" },
        { "Null with IfExists is not an operator", """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"NullIfExists":{"a":"true"}}}]}""", PolicyKind.Resource, "unsupported condition operator" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_policies_are_refused_with_a_reason(string name, string policy, PolicyKind kind, string reason)
    {
        var e = Assert.Throws<PolicyFormatException>(() => PolicyParser.Parse(policy, kind));
        Assert.True(e.Message.Contains(reason, StringComparison.Ordinal), $"{name}: {e.Message}");
    }

    [Fact]
    public void A_key_policy_statement_without_Action_or_Resource_is_accepted_and_never_applies()
    {
        var policy = PolicyParser.Parse("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*"}]}""", PolicyKind.Resource);
        Assert.Empty(policy.Statements);
    }
}
