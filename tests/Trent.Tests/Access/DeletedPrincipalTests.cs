using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Access;

/// <summary>
/// As in AWS, deleting a user or role turns every policy principal and grant principal naming its ARN into its
/// unique ID: a user or role re-created under the same name (and path) gets nothing meant for the old one.
/// </summary>
public sealed class DeletedPrincipalTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private const string Account = TestTrent.AccountId;
    private readonly TestTrent _trent = shared.Trent;
    private readonly AmazonKeyManagementServiceClient _admin = shared.Kms;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    private static string Policy(string statements) => $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";

    private static readonly string RootStatement =
        $$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"kms:*","Resource":"*"}""";

    private static readonly string TrustAccount =
        Policy($$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"sts:AssumeRole"}""");

    [Fact]
    public async Task A_key_policy_naming_a_deleted_user_names_its_unique_ID_and_grants_the_re_created_user_nothing()
    {
        using var iam = IamClient.Admin(_trent);
        var name = Unique("bob");
        var (arn, userId, accessKey, secret) = await CreateUserAsync(iam, name, "/team/");
        Assert.Equal($"arn:aws:iam::{Account}:user/team/{name}", arn);
        // The second statement spells the ARN with JSON escapes: it is the same principal.
        var escaped = arn.Replace("/", "\\/", StringComparison.Ordinal);
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = Policy($$"""
                {{RootStatement}},
                {"Sid":"bob","Effect":"Allow","Principal":{"AWS":["{{arn}}"]},"Action":["kms:DescribeKey","kms:Encrypt"],"Resource":"*"},
                {"Sid":"escaped","Effect":"Allow","Principal":{"AWS":"{{escaped}}"},"Action":"kms:GetKeyPolicy","Resource":"*"}
                """),
        })).KeyMetadata;
        using (var old = _trent.Client(accessKey, secret))
        {
            await old.DescribeKeyAsync(key.KeyId);
            await old.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
            await old.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId });
        }

        await iam.CallAsync("DeleteAccessKey", ("UserName", name), ("AccessKeyId", accessKey));
        await iam.CallAsync("DeleteUser", ("UserName", name));
        var again = await CreateUserAsync(iam, name, "/team/");
        Assert.Equal(arn, again.Arn);
        Assert.NotEqual(userId, again.UserId);
        using var fresh = _trent.Client(again.AccessKeyId, again.Secret);
        await ThrowsAws("AccessDeniedException", () => fresh.DescribeKeyAsync(key.KeyId));
        await ThrowsAws("AccessDeniedException", () => fresh.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));
        await ThrowsAws("AccessDeniedException", () => fresh.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId }));

        // GetKeyPolicy shows the unique ID where the ARN was, in both spellings; the policy goes back in as it is.
        var policy = (await _admin.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy;
        Assert.Contains($$"""{"AWS":["{{userId}}"]}""", policy, StringComparison.Ordinal);
        Assert.Contains($$"""{"AWS":"{{userId}}"}""", policy, StringComparison.Ordinal);
        Assert.DoesNotContain(name, policy, StringComparison.Ordinal);
        await _admin.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = policy });
        Assert.Equal(policy, (await _admin.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy);
        await ThrowsAws("AccessDeniedException", () => fresh.DescribeKeyAsync(key.KeyId));
    }

    [Fact]
    public async Task The_rewritten_key_policy_applies_at_once_on_this_node_whatever_the_key_cache_lifetime()
    {
        await using var node = await TestTrent.StartAsync(configure: o => o.KeyCacheTimeToLive = TimeSpan.FromMinutes(10));
        using var iam = IamClient.Admin(node);
        using var admin = node.Client();
        var name = Unique("cached");
        var (arn, _, accessKey, secret) = await CreateUserAsync(iam, name, "/");
        var key = (await admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = Policy($$"""{{RootStatement}},{"Effect":"Allow","Principal":{"AWS":"{{arn}}"},"Action":"kms:DescribeKey","Resource":"*"}"""),
        })).KeyMetadata;
        using (var old = node.Client(accessKey, secret))
        {
            await old.DescribeKeyAsync(key.KeyId); // the key row, with the policy naming the ARN, is now cached
        }

        await iam.CallAsync("DeleteAccessKey", ("UserName", name), ("AccessKeyId", accessKey));
        await iam.CallAsync("DeleteUser", ("UserName", name));
        var again = await CreateUserAsync(iam, name, "/");
        using var fresh = node.Client(again.AccessKeyId, again.Secret);
        await ThrowsAws("AccessDeniedException", () => fresh.DescribeKeyAsync(key.KeyId));
    }

    [Fact]
    public async Task A_key_policy_naming_a_deleted_role_grants_the_re_created_role_s_sessions_nothing()
    {
        using var iam = IamClient.Admin(_trent);
        var name = Unique("svc");
        var (roleArn, roleId) = await CreateRoleAsync(iam, name, "/apps/", TrustAccount);
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = Policy($$"""{{RootStatement}},{"Effect":"Allow","Principal":{"AWS":"{{roleArn}}"},"Action":["kms:DescribeKey","kms:Encrypt"],"Resource":"*"}"""),
        })).KeyMetadata;
        using var sts = RootSts();
        using (var old = Kms((await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "old" })).Credentials))
        {
            await old.DescribeKeyAsync(key.KeyId);
        }

        await iam.CallAsync("DeleteRole", ("RoleName", name));
        var (againArn, againId) = await CreateRoleAsync(iam, name, "/apps/", TrustAccount);
        Assert.Equal(roleArn, againArn);
        Assert.NotEqual(roleId, againId);
        using var fresh = Kms((await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "new" })).Credentials);
        await ThrowsAws("AccessDeniedException", () => fresh.DescribeKeyAsync(key.KeyId));
        await ThrowsAws("AccessDeniedException", () => fresh.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));

        var policy = (await _admin.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy;
        Assert.Contains($$"""{"AWS":"{{roleId}}"}""", policy, StringComparison.Ordinal);
        Assert.DoesNotContain(roleArn, policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trust_policy_naming_a_deleted_user_lets_the_re_created_user_assume_nothing()
    {
        using var iam = IamClient.Admin(_trent);
        var userName = Unique("bob");
        var (userArn, userId, accessKey, secret) = await CreateUserAsync(iam, userName, "/");
        var roleName = Unique("trusts-bob");
        var (roleArn, _) = await CreateRoleAsync(
            iam, roleName, "/", Policy($$"""{"Effect":"Allow","Principal":{"AWS":"{{userArn}}"},"Action":"sts:AssumeRole"}"""));
        using (var old = Sts(new BasicAWSCredentials(accessKey, secret)))
        {
            await old.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "old" });
        }

        await iam.CallAsync("DeleteAccessKey", ("UserName", userName), ("AccessKeyId", accessKey));
        await iam.CallAsync("DeleteUser", ("UserName", userName));
        var again = await CreateUserAsync(iam, userName, "/");
        using var fresh = Sts(new BasicAWSCredentials(again.AccessKeyId, again.Secret));
        var denied = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(
            () => fresh.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "new" }));
        Assert.Equal("AccessDenied", denied.ErrorCode);

        var trust = Uri.UnescapeDataString(IamClient.Value(await iam.CallAsync("GetRole", ("RoleName", roleName)), "AssumeRolePolicyDocument"));
        Assert.Contains($$"""{"AWS":"{{userId}}"}""", trust, StringComparison.Ordinal);
        Assert.DoesNotContain(userArn, trust, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_to_a_deleted_role_names_its_unique_ID_and_the_re_created_role_cannot_use_it()
    {
        using var iam = IamClient.Admin(_trent);
        var name = Unique("grantee");
        var (roleArn, roleId) = await CreateRoleAsync(iam, name, "/", TrustAccount);
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var grant = await _admin.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key.KeyId, GranteePrincipal = roleArn, RetiringPrincipal = roleArn, Operations = ["Encrypt", "RetireGrant"],
        });
        using var sts = RootSts();
        using (var old = Kms((await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "old" })).Credentials))
        {
            await old.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        }

        await iam.CallAsync("DeleteRole", ("RoleName", name));
        await CreateRoleAsync(iam, name, "/", TrustAccount);
        using var fresh = Kms((await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "new" })).Credentials);
        await ThrowsAws("AccessDeniedException", () => fresh.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));
        await ThrowsAws("AccessDeniedException", () => fresh.RetireGrantAsync(new RetireGrantRequest { KeyId = key.Arn, GrantId = grant.GrantId }));

        var listed = Assert.Single((await _admin.ListGrantsAsync(new ListGrantsRequest { KeyId = key.KeyId })).Grants);
        Assert.Equal(roleId, listed.GranteePrincipal);
        Assert.Equal(roleId, listed.RetiringPrincipal);
        Assert.Empty((await _admin.ListRetirableGrantsAsync(new ListRetirableGrantsRequest { RetiringPrincipal = roleArn })).Grants ?? []);
    }

    private static async Task<(string Arn, string UserId, string AccessKeyId, string Secret)> CreateUserAsync(IamClient iam, string name, string path)
    {
        var user = await iam.CallAsync("CreateUser", ("UserName", name), ("Path", path));
        var (accessKey, secret) = await iam.CreateAccessKeyAsync(name);
        return (IamClient.Value(user, "Arn"), IamClient.Value(user, "UserId"), accessKey, secret);
    }

    private static async Task<(string Arn, string RoleId)> CreateRoleAsync(IamClient iam, string name, string path, string trust)
    {
        var role = await iam.CallAsync("CreateRole", ("RoleName", name), ("Path", path), ("AssumeRolePolicyDocument", trust));
        return (IamClient.Value(role, "Arn"), IamClient.Value(role, "RoleId"));
    }

    private AmazonSecurityTokenServiceClient RootSts() => Sts(new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey));

    private AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials) =>
        new(credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = _trent.Url, AuthenticationRegion = TestTrent.Region, MaxErrorRetry = 0 });

    private AmazonKeyManagementServiceClient Kms(Credentials credentials)
    {
        var config = TestTrent.Config(_trent.Url);
        config.MaxErrorRetry = 0;
        return new(new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), config);
    }
}
