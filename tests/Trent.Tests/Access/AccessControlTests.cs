using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Domain.Identity;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Access;

/// <summary>
/// Access control with real signed requests as different principals: IAM users made through IAM's query API,
/// an assumed role (STS through the AWS SDK), and the root and a user of a second account.
/// </summary>
public sealed class AccessControlTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private const string Account = TestTrent.AccountId;
    private readonly TestTrent _trent = shared.Trent;
    private readonly AmazonKeyManagementServiceClient _admin = shared.Kms;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    private static string Policy(string statements) => $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";

    private const string RootStatement = """{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}""";

    private AmazonKeyManagementServiceClient Kms(string accessKeyId, string secret) => _trent.Client(accessKeyId, secret);

    [Fact]
    public async Task GetCallerIdentity_names_the_root_and_a_user()
    {
        using var sts = Sts(new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey));
        var me = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal($"arn:aws:iam::{Account}:root", me.Arn);
        Assert.Equal(Account, me.Account);

        using var iam = IamClient.Admin(_trent);
        var name = Unique("ann");
        var (arn, id, secret) = await iam.CreateUserWithKeyAsync(name);
        using var userSts = Sts(new BasicAWSCredentials(id, secret));
        var user = await userSts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(arn, user.Arn);
        Assert.StartsWith("AIDA", user.UserId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_administrator_can_manage_the_key_but_not_use_it_and_a_key_user_the_reverse()
    {
        using var iam = IamClient.Admin(_trent);
        var admin = await iam.CreateUserWithKeyAsync(Unique("keyadmin"));
        var user = await iam.CreateUserWithKeyAsync(Unique("keyuser"));
        var policy = Policy($$"""
            {{RootStatement}},
            {"Sid":"Allow access for Key Administrators","Effect":"Allow","Principal":{"AWS":"{{admin.Arn}}"},
             "Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*","kms:Get*","kms:Delete*","kms:TagResource","kms:UntagResource","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"},
            {"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"{{user.Arn}}"},
             "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"}
            """);
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata;

        using var adminKms = Kms(admin.AccessKeyId, admin.Secret);
        await adminKms.DisableKeyAsync(key.KeyId);
        await adminKms.EnableKeyAsync(key.KeyId);
        await adminKms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Amazon.KeyManagementService.Model.Tag { TagKey = "t", TagValue = "v" }] });
        Assert.Equal(policy, (await adminKms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy);
        await ThrowsAws(
            "AccessDeniedException",
            () => adminKms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }),
            $"User: {admin.Arn} is not authorized to perform: kms:Encrypt on resource: {key.Arn} because no identity-based policy allows the kms:Encrypt action");

        using var userKms = Kms(user.AccessKeyId, user.Secret);
        var blob = (await userKms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2]) })).CiphertextBlob;
        Assert.Equal([1, 2], (await userKms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext.ToArray());
        await ThrowsAws("AccessDeniedException", () => userKms.DisableKeyAsync(key.KeyId));
        await ThrowsAws("AccessDeniedException", () => userKms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId }));
    }

    [Fact]
    public async Task A_key_user_can_encrypt_only_with_the_required_encryption_context()
    {
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        using var iam = IamClient.Admin(_trent);
        var user = await iam.CreateUserWithKeyAsync(Unique("ecuser"), Policy($$"""
            {"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"{{key.Arn}}",
             "Condition":{"StringEquals":{"kms:EncryptionContext:app":"billing"} } }
            """));
        using var kms = Kms(user.AccessKeyId, user.Secret);
        var blob = (await kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.KeyId, Plaintext = new MemoryStream([7]), EncryptionContext = new() { ["app"] = "billing" },
        })).CiphertextBlob;
        Assert.Equal([7], (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = new() { ["app"] = "billing" } })).Plaintext.ToArray());
        await ThrowsAws("AccessDeniedException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([7]) }));
        await ThrowsAws("AccessDeniedException", () => kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.KeyId, Plaintext = new MemoryStream([7]), EncryptionContext = new() { ["app"] = "web" },
        }));
        // The policy names one key: another key of the account stays closed.
        var other = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("AccessDeniedException", () => kms.EncryptAsync(new EncryptRequest
        {
            KeyId = other.KeyId, Plaintext = new MemoryStream([7]), EncryptionContext = new() { ["app"] = "billing" },
        }));
    }

    [Fact]
    public async Task An_explicit_deny_in_the_key_policy_overrides_an_IAM_allow()
    {
        using var iam = IamClient.Admin(_trent);
        var user = await iam.CreateUserWithKeyAsync(Unique("denied"), Policy("""{"Effect":"Allow","Action":"kms:*","Resource":"*"}"""));
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = Policy($$"""{{RootStatement}},{"Effect":"Deny","Principal":{"AWS":"{{user.Arn}}"},"Action":"kms:Decrypt","Resource":"*"}"""),
        })).KeyMetadata;
        using var kms = Kms(user.AccessKeyId, user.Secret);
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([3]) })).CiphertextBlob;
        await ThrowsAws(
            "AccessDeniedException",
            () => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob }),
            $"User: {user.Arn} is not authorized to perform: kms:Decrypt on resource: {key.Arn} with an explicit deny in a resource-based policy");

        // And a deny in the user's own policy overrides the key policy's allow.
        await iam.PutUserPolicyAsync(user.Arn.Split('/')[^1], "deny-encrypt", Policy("""{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}"""));
        await ThrowsAws(
            "AccessDeniedException",
            () => kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([3]) }),
            $"User: {user.Arn} is not authorized to perform: kms:Encrypt on resource: {key.Arn} with an explicit deny in an identity-based policy");
    }

    [Fact]
    public async Task Cross_account_decrypt_works_only_when_both_the_key_policy_and_the_callers_IAM_policy_allow()
    {
        var (accountB, rootB) = await _trent.Server.Services.GetRequiredService<AccountService>().CreateAccountAsync(null, CancellationToken.None);
        using var iamB = new IamClient(_trent.Url, rootB.AccessKeyId, rootB.SecretAccessKey);
        var carol = await iamB.CreateUserWithKeyAsync("carol");
        Assert.Equal($"arn:aws:iam::{accountB}:user/carol", carol.Arn);

        var shared = (await _admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = Policy($$"""{{RootStatement}},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{accountB}}:root"},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}"""),
        })).KeyMetadata;
        var privateKey = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var sharedBlob = (await _admin.EncryptAsync(new EncryptRequest { KeyId = shared.KeyId, Plaintext = new MemoryStream([5]) })).CiphertextBlob;
        var privateBlob = (await _admin.EncryptAsync(new EncryptRequest { KeyId = privateKey.KeyId, Plaintext = new MemoryStream([6]) })).CiphertextBlob;

        using var kmsB = Kms(carol.AccessKeyId, carol.Secret);
        // The key policy allows account B, but carol's own policies do not yet.
        await ThrowsAws(
            "AccessDeniedException",
            () => kmsB.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(sharedBlob.ToArray()), KeyId = shared.Arn }),
            $"User: {carol.Arn} is not authorized to perform: kms:Decrypt on resource: {shared.Arn} because no identity-based policy allows the kms:Decrypt action");

        await iamB.PutUserPolicyAsync("carol", "use-keys-of-a", Policy($$"""{"Effect":"Allow","Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"arn:{{TestTrent.Partition}}:kms:{{TestTrent.Region}}:{{Account}}:key/*"}"""));
        Assert.Equal([5], (await kmsB.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(sharedBlob.ToArray()), KeyId = shared.Arn })).Plaintext.ToArray());
        Assert.Equal(shared.KeyId, (await kmsB.DescribeKeyAsync(shared.Arn)).KeyMetadata.KeyId);

        // Carol's policy allows every key of account A, but the default policy of the other key does not allow account B.
        await ThrowsAws(
            "AccessDeniedException",
            () => kmsB.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(privateBlob.ToArray()), KeyId = privateKey.Arn }),
            $"User: {carol.Arn} is not authorized to perform: kms:Decrypt on resource: {privateKey.Arn} because no resource-based policy allows the kms:Decrypt action");

        // Account B's root is allowed by the key policy without an IAM policy; other actions stay closed.
        using var rootKms = Kms(rootB.AccessKeyId, rootB.SecretAccessKey);
        Assert.Equal([5], (await rootKms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(sharedBlob.ToArray()), KeyId = shared.Arn })).Plaintext.ToArray());
        await ThrowsAws("AccessDeniedException", () => rootKms.DisableKeyAsync(shared.Arn));
        // Account B's own keys are its own: listing shows none of account A's.
        Assert.Empty((await rootKms.ListKeysAsync(new ListKeysRequest())).Keys ?? []);
    }

    [Fact]
    public async Task An_assumed_role_uses_the_roles_policies_and_the_trust_policy_decides_who_may_assume_it()
    {
        using var iam = IamClient.Admin(_trent);
        var erin = await iam.CreateUserWithKeyAsync(Unique("erin"), Policy("""{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"""));
        var frank = await iam.CreateUserWithKeyAsync(Unique("frank"), Policy("""{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"""));
        var roleName = Unique("encryptor");
        var roleArn = await iam.CreateRoleAsync(roleName, Policy($$"""{"Effect":"Allow","Principal":{"AWS":"{{erin.Arn}}"},"Action":"sts:AssumeRole"}"""));
        await iam.PutRolePolicyAsync(roleName, "encrypt", Policy("""{"Effect":"Allow","Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"*"}"""));
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

        using var erinSts = Sts(new BasicAWSCredentials(erin.AccessKeyId, erin.Secret));
        var assumed = await erinSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "batch-1", DurationSeconds = 900 });
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/{roleName}/batch-1", assumed.AssumedRoleUser.Arn);
        Assert.StartsWith("ASIA", assumed.Credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.True(assumed.Credentials.Expiration > DateTime.UtcNow.AddMinutes(14));

        var session = new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
        using var sessionSts = Sts(session);
        Assert.Equal(assumed.AssumedRoleUser.Arn, (await sessionSts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
        using var sessionKms = new AmazonKeyManagementServiceClient(session, TestTrent.Config(_trent.Url));
        await sessionKms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        await ThrowsAws(
            "AccessDeniedException",
            () => sessionKms.DisableKeyAsync(key.KeyId),
            $"User: {assumed.AssumedRoleUser.Arn} is not authorized to perform: kms:DisableKey on resource: {key.Arn} because no identity-based policy allows the kms:DisableKey action");

        // A tampered session token, or the session's key without its token, is not accepted.
        var forged = new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken[..^4] + "AAAA");
        using var forgedKms = new AmazonKeyManagementServiceClient(forged, TestTrent.Config(_trent.Url));
        await ThrowsAws("UnrecognizedClientException", () => forgedKms.DescribeKeyAsync(key.KeyId));
        using var tokenless = Kms(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey);
        await ThrowsAws("UnrecognizedClientException", () => tokenless.DescribeKeyAsync(key.KeyId));

        // Frank is not in the trust policy.
        using var frankSts = Sts(new BasicAWSCredentials(frank.AccessKeyId, frank.Secret));
        var denied = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(
            () => frankSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "x1" }));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal(
            $"User: {frank.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn} because no resource-based policy allows the sts:AssumeRole action",
            denied.Message);
    }

    [Fact]
    public async Task The_lockout_check_refuses_a_policy_that_would_lock_the_caller_out_unless_bypassed()
    {
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var lockout = Policy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/nobody"},"Action":"kms:*","Resource":"*"}""");
        await ThrowsAws(
            "MalformedPolicyDocumentException",
            () => _admin.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = lockout }),
            "The new key policy will not allow you to update the key policy in the future.");
        await ThrowsAws(
            "MalformedPolicyDocumentException",
            () => _admin.CreateKeyAsync(new CreateKeyRequest { Policy = lockout }),
            "The new key policy will not allow you to update the key policy in the future.");
        await ThrowsAws(
            "MalformedPolicyDocumentException",
            () => _admin.PutKeyPolicyAsync(new PutKeyPolicyRequest
            {
                KeyId = key.KeyId, Policy = Policy($$"""{{RootStatement}},{"Effect":"Deny","Principal":"*","Action":"kms:PutKeyPolicy","Resource":"*"}"""),
            }));

        // Bypassed, the policy is stored, and the account root is locked out as AWS warns.
        await _admin.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = lockout, BypassPolicyLockoutSafetyCheck = true });
        await ThrowsAws("AccessDeniedException", () => _admin.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId }));
        await ThrowsAws("AccessDeniedException", () => _admin.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = KeyPolicyTestsDefault() }));
    }

    [Fact]
    public async Task Malformed_key_and_IAM_policies_get_clear_errors()
    {
        await ThrowsAws(
            "MalformedPolicyDocumentException",
            () => _admin.CreateKeyAsync(new CreateKeyRequest { Policy = Policy("""{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"kms:*","Resource":"*"}""") }),
            "Policy contains a statement with one or more invalid principals.");
        await ThrowsAws(
            "MalformedPolicyDocumentException",
            () => _admin.CreateKeyAsync(new CreateKeyRequest { Policy = Policy("""{"Effect":"Allow","Action":"kms:*","Resource":"*"}""") }),
            "Policy contains a statement with no principal.");
        var e = await ThrowsAws(
            "MalformedPolicyDocumentException",
            () => _admin.CreateKeyAsync(new CreateKeyRequest { Policy = Policy(RootStatement + """,{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringMaybe":{"a":"b"}}}""") }));
        Assert.Contains("StringMaybe", e.Message, StringComparison.Ordinal);

        using var iam = IamClient.Admin(_trent);
        var name = Unique("badpolicy");
        await iam.CreateUserAsync(name);
        var error = await Assert.ThrowsAsync<IamError>(() => iam.PutUserPolicyAsync(name, "p", Policy("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}""")));
        Assert.Equal("MalformedPolicyDocument", error.Code);
        Assert.Equal(400, error.Status);
        error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("CreateUser", ("UserName", name)));
        Assert.Equal("EntityAlreadyExists", error.Code);
        error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("GetUserPolicy", ("UserName", name), ("PolicyName", "missing")));
        Assert.Equal("NoSuchEntity", error.Code);
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task A_user_without_IAM_permissions_cannot_manage_IAM_and_denials_are_audited()
    {
        using var iam = IamClient.Admin(_trent);
        var user = await iam.CreateUserWithKeyAsync(Unique("plain"));
        using var asUser = new IamClient(_trent.Url, user.AccessKeyId, user.Secret);
        var error = await Assert.ThrowsAsync<IamError>(() => asUser.CreateUserAsync("sneaky"));
        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal(403, error.Status);

        using var kms = Kms(user.AccessKeyId, user.Secret);
        await ThrowsAws("AccessDeniedException", () => kms.CreateKeyAsync(new CreateKeyRequest()));
        var records = AuditFiles.ReadAll(_trent.DataDirectory);
        Assert.Contains(records, r => r.GetProperty("eventName").GetString() == "CreateKey"
            && r.TryGetProperty("errorCode", out var code) && code.GetString() == "AccessDeniedException"
            && r.GetProperty("userIdentity").GetProperty("arn").GetString() == user.Arn);
        Assert.Contains(records, r => r.GetProperty("eventSource").GetString() == "iam.amazonaws.com"
            && r.GetProperty("eventName").GetString() == "CreateUser"
            && r.TryGetProperty("errorCode", out var code) && code.GetString() == "AccessDenied");
    }

    [Fact]
    public async Task Alias_and_tag_conditions_decide_with_the_alias_used_and_the_tags_of_key_and_caller()
    {
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest
        {
            Tags = [new Amazon.KeyManagementService.Model.Tag { TagKey = "project", TagValue = "apollo" }],
        })).KeyMetadata;
        var alias = "alias/" + Unique("abac");
        await _admin.CreateAliasAsync(alias, key.KeyId);
        using var iam = IamClient.Admin(_trent);
        var name = Unique("abac");
        await iam.CallAsync("CreateUser", ("UserName", name), ("Tags.member.1.Key", "project"), ("Tags.member.1.Value", "apollo"));
        await iam.PutUserPolicyAsync(name, "by-alias", Policy($$"""
            {"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:RequestAlias":"{{alias}}"} } },
            {"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"kms:ResourceAliases":"{{alias}}"} } },
            {"Effect":"Allow","Action":"kms:GenerateDataKey","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/project":"apollo"} } }
            """));
        var (id, secret) = await iam.CreateAccessKeyAsync(name);
        using var kms = Kms(id, secret);

        await kms.EncryptAsync(new EncryptRequest { KeyId = alias, Plaintext = new MemoryStream([1]) });
        await ThrowsAws("AccessDeniedException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));
        Assert.Equal(key.KeyId, (await kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.KeyId);
        await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_128 });

        // Without the alias, and with another tag value, the same policies no longer allow.
        await _admin.DeleteAliasAsync(alias);
        await _admin.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Amazon.KeyManagementService.Model.Tag { TagKey = "project", TagValue = "gemini" }] });
        await ThrowsAws("AccessDeniedException", () => kms.DescribeKeyAsync(key.KeyId));
        await ThrowsAws("AccessDeniedException", () => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_128 }));
    }

    [Fact]
    public async Task Principal_tags_come_from_the_user()
    {
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        using var iam = IamClient.Admin(_trent);
        var tagged = Unique("tagged");
        await iam.CallAsync("CreateUser", ("UserName", tagged), ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "payments"));
        var untagged = Unique("untagged");
        await iam.CreateUserAsync(untagged);
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"payments"} } }]}""";
        await iam.PutUserPolicyAsync(tagged, "p", policy);
        await iam.PutUserPolicyAsync(untagged, "p", policy);
        var taggedKey = await iam.CreateAccessKeyAsync(tagged);
        var untaggedKey = await iam.CreateAccessKeyAsync(untagged);
        using var taggedKms = Kms(taggedKey.AccessKeyId, taggedKey.Secret);
        using var untaggedKms = Kms(untaggedKey.AccessKeyId, untaggedKey.Secret);
        await taggedKms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        await ThrowsAws("AccessDeniedException", () => untaggedKms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));
    }

    private static string KeyPolicyTestsDefault() => Policy(RootStatement);

    private AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials) => new(credentials, new AmazonSecurityTokenServiceConfig
    {
        ServiceURL = _trent.Url,
        AuthenticationRegion = TestTrent.Region,
        MaxErrorRetry = 0,
    });
}
