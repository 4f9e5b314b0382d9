using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Api;

public sealed class KeyPolicyTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    /// <summary>Byte for byte what AWS returns for a key created without a policy (digest §7.1).</summary>
    private const string DefaultPolicy = """
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::111122223333:root"
            },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }
        """;

    [Fact]
    public async Task A_new_key_has_AWS_default_policy()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var policy = await _kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId });
        Assert.Equal(DefaultPolicy, policy.Policy);
        Assert.Equal("default", policy.PolicyName);
    }

    [Fact]
    public async Task PutKeyPolicy_stores_the_text_as_submitted()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""";
        await _kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = policy });
        Assert.Equal(policy, (await _kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy);

        var created = (await _kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata;
        Assert.Equal(policy, (await _kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = created.KeyId })).Policy);
    }

    [Fact]
    public async Task Malformed_and_oversized_policies_are_refused_and_change_nothing()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var e = await ThrowsAws("MalformedPolicyDocumentException", () => _kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = "{not json" }));
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        await ThrowsAws("MalformedPolicyDocumentException", () => _kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = "[]" }));
        await ThrowsAws("MalformedPolicyDocumentException", () => _kms.CreateKeyAsync(new CreateKeyRequest { Policy = "{\"Version\":\"2012-10-17\"}" }));

        var big = "{\"Statement\":[],\"Pad\":\"" + new string('x', 33_000) + "\"}";
        await ThrowsAws("LimitExceededException", () => _kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = big }));
        await ThrowsAws("ValidationException", () => _kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = Unchecked("{\"Statement\":[\"\u4e2d\"]}") }));

        Assert.Equal(DefaultPolicy, (await _kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy);
    }

    [Fact]
    public async Task ListKeyPolicies_names_only_default_and_other_names_do_not_exist()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var list = await _kms.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = key.KeyId });
        Assert.Equal(["default"], list.PolicyNames);
        Assert.False(list.Truncated);
        await ThrowsAws("NotFoundException", () => _kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "other" }));
    }

    private static string Unchecked(string value) => value;
}
