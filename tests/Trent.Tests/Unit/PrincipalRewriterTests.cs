using Trent.Domain.Policies.Language;

namespace Trent.Tests.Unit;

/// <summary>Only Principal and NotPrincipal "AWS" values naming the deleted identity change, whatever their spelling.</summary>
public sealed class PrincipalRewriterTests
{
    private const string Arn = "arn:aws:iam::111122223333:user/team/bob";
    private const string Id = "AIDAJQABLZS4A3QDU576Q";

    [Fact]
    public void Principal_and_NotPrincipal_values_change_conditions_and_other_principals_do_not()
    {
        var policy = """
            {"Statement":[
              {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/team/bobby","arn:aws:iam::111122223333:user\/team\/bob"]},"Action":"kms:*","Resource":"*"},
              {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/team/bob"},"Action":"kms:*","Resource":"*",
               "Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/team/bob"}}}]}
            """;
        var expected = """
            {"Statement":[
              {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/team/bobby","AIDAJQABLZS4A3QDU576Q"]},"Action":"kms:*","Resource":"*"},
              {"Effect":"Deny","NotPrincipal":{"AWS":"AIDAJQABLZS4A3QDU576Q"},"Action":"kms:*","Resource":"*",
               "Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/team/bob"}}}]}
            """;
        Assert.Equal(expected, PrincipalRewriter.Rewrite(policy, Arn, Id));
        Assert.NotNull(PolicyParser.Parse(expected, PolicyKind.Resource));
    }

    [Fact]
    public void A_single_statement_object_and_unicode_escapes_are_understood()
    {
        var policy = """{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/team/\u0062ob"},"Action":"sts:AssumeRole"}}""";
        Assert.Equal(
            """{"Statement":{"Effect":"Allow","Principal":{"AWS":"AIDAJQABLZS4A3QDU576Q"},"Action":"sts:AssumeRole"}}""",
            PrincipalRewriter.Rewrite(policy, Arn, Id));
    }

    [Theory]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/team/BOB"},"Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"arn:aws:iam::111122223333:user/team/bob"}]}""")]
    [InlineData("""{"Principal":{"AWS":"arn:aws:iam::111122223333:user/team/bob"}}""")]
    [InlineData("""{"Statement":[{"Principal":{"AWS":"arn:aws:iam::111122223333:user/team/bob" """)]
    public void A_policy_not_naming_the_principal_or_not_JSON_is_left_alone(string policy) =>
        Assert.Null(PrincipalRewriter.Rewrite(policy, Arn, Id));
}
