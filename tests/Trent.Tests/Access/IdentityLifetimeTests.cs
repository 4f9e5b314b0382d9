using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Domain.Storage;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Access;

/// <summary>
/// Roles are resolved by their full ARN (path and name), sessions are bound to the role's unique ID, and a
/// deleted access key stops working at once on the node that deleted it and within the cache lifetime elsewhere.
/// </summary>
public sealed class IdentityLifetimeTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private const string Account = TestTrent.AccountId;
    private readonly TestTrent _trent = shared.Trent;
    private readonly AmazonKeyManagementServiceClient _admin = shared.Kms;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    private static string Policy(string statements) => $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";

    private static readonly string TrustAccount =
        Policy($$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"sts:AssumeRole"}""");

    [Fact]
    public async Task AssumeRole_resolves_the_role_by_path_and_name()
    {
        using var iam = IamClient.Admin(_trent);
        var admin = Unique("admin");
        await iam.CreateRoleAsync(admin, TrustAccount);
        await iam.PutRolePolicyAsync(admin, "all", Policy("""{"Effect":"Allow","Action":"kms:*","Resource":"*"}"""));
        var devRole = Unique("tool");
        var devArn = IamClient.Value(await iam.CallAsync("CreateRole", ("RoleName", devRole), ("Path", "/dev/"), ("AssumeRolePolicyDocument", TrustAccount)), "Arn");
        Assert.Equal($"arn:aws:iam::{Account}:role/dev/{devRole}", devArn);

        var dev = await iam.CreateUserWithKeyAsync(Unique("dev"), Policy($$"""{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{{Account}}:role/dev/*"}"""));
        var app = await iam.CreateUserWithKeyAsync(Unique("app"), Policy($$"""{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{{Account}}:role/app-*"}"""));
        using var devSts = Sts(new BasicAWSCredentials(dev.AccessKeyId, dev.Secret));
        using var appSts = Sts(new BasicAWSCredentials(app.AccessKeyId, app.Secret));

        // role/dev/admin is the role "admin" at path /dev/, which does not exist: not the "admin" role at /.
        foreach (var (sts, user, arn) in new[]
        {
            (devSts, dev.Arn, $"arn:aws:iam::{Account}:role/dev/{admin}"),
            (appSts, app.Arn, $"arn:aws:iam::{Account}:role/app-anything/{admin}"),
        })
        {
            var denied = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(
                () => sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = arn, RoleSessionName = "s1" }));
            Assert.Equal("AccessDenied", denied.ErrorCode);
            Assert.Equal($"User: {user} is not authorized to perform: sts:AssumeRole on resource: {arn}", denied.Message);
        }

        // The role really at /dev/ is assumed; its session reports the role's ARN with the path.
        var assumed = await devSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = devArn, RoleSessionName = "s1" });
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/{devRole}/s1", assumed.AssumedRoleUser.Arn);
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = Policy($$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"kms:DescribeKey","Resource":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"{{devArn}}"} } }"""),
        })).KeyMetadata;
        using var session = Kms(assumed.Credentials);
        Assert.Equal(key.KeyId, (await session.DescribeKeyAsync(key.KeyId)).KeyMetadata.KeyId);

        // A role at / is named without a path; asking for it at another path fails even for the root.
        using var rootSts = Sts(new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey));
        await rootSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = $"arn:aws:iam::{Account}:role/{admin}", RoleSessionName = "s1" });
        var wrongPath = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(
            () => rootSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = $"arn:aws:iam::{Account}:role/x/{admin}", RoleSessionName = "s1" }));
        Assert.Equal("AccessDenied", wrongPath.ErrorCode);
    }

    [Fact]
    public async Task A_session_of_a_deleted_or_re_created_role_stops_working()
    {
        using var iam = IamClient.Admin(_trent);
        var name = Unique("worker");
        var created = await iam.CallAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", TrustAccount));
        var firstId = IamClient.Value(created, "RoleId");
        Assert.Matches("^AROA[A-Z0-9]{17}$", firstId);
        var roleArn = IamClient.Value(created, "Arn");
        await iam.PutRolePolicyAsync(name, "describe", Policy("""{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*"}"""));
        // The key policy allows the role directly too, so that only the session's binding to the role can refuse it.
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = Policy($$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"kms:DescribeKey","Resource":"*"}"""),
        })).KeyMetadata;

        using var rootSts = Sts(new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey));
        var old = await rootSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "old" });
        Assert.StartsWith(firstId + ":", old.AssumedRoleUser.AssumedRoleId, StringComparison.Ordinal);
        using var oldKms = Kms(old.Credentials);
        await oldKms.DescribeKeyAsync(key.KeyId);

        await iam.CallAsync("DeleteRolePolicy", ("RoleName", name), ("PolicyName", "describe"));
        await iam.CallAsync("DeleteRole", ("RoleName", name));
        await ThrowsAws("UnrecognizedClientException", () => oldKms.DescribeKeyAsync(key.KeyId), "The security token included in the request is invalid.");

        // The same name again is another role (another ID): the old session gets nothing from it.
        var again = await iam.CallAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", TrustAccount));
        Assert.NotEqual(firstId, IamClient.Value(again, "RoleId"));
        await iam.PutRolePolicyAsync(name, "describe", Policy("""{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*"}"""));
        await ThrowsAws("UnrecognizedClientException", () => oldKms.DescribeKeyAsync(key.KeyId));
        using var oldIam = new IamClient(_trent.Url, old.Credentials.AccessKeyId, old.Credentials.SecretAccessKey, old.Credentials.SessionToken);
        var refused = await Assert.ThrowsAsync<IamError>(() => oldIam.CallAsync("ListRoles"));
        Assert.Equal("InvalidClientTokenId", refused.Code);

        var fresh = await rootSts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "new" });
        using var freshKms = Kms(fresh.Credentials);
        await freshKms.DescribeKeyAsync(key.KeyId);
    }

    [Fact]
    public async Task A_deleted_access_key_stops_working_at_once_here_and_within_the_cache_lifetime_on_another_node()
    {
        // One process per data directory: a deletion made elsewhere (another node on a shared store) is one
        // this node's verifier is not told about, as when the row is removed from the store directly.
        await using var node = await TestTrent.StartAsync(configure: o => o.AccessKeyCacheTimeToLive = TimeSpan.FromSeconds(3));
        using var iam = IamClient.Admin(node);
        var name = Unique("leaver");
        var deletedHere = await iam.CreateUserWithKeyAsync(name, Policy("""{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}"""));
        var (elsewhereId, elsewhereSecret) = await iam.CreateAccessKeyAsync(name);
        using var here = Kms(deletedHere.AccessKeyId, deletedHere.Secret, node.Url);
        using var there = Kms(elsewhereId, elsewhereSecret, node.Url);
        await here.ListKeysAsync(new ListKeysRequest());
        await there.ListKeysAsync(new ListKeysRequest());

        await iam.CallAsync("DeleteAccessKey", ("UserName", name), ("AccessKeyId", deletedHere.AccessKeyId));
        await ThrowsAws("UnrecognizedClientException", () => here.ListKeysAsync(new ListKeysRequest()), "The security token included in the request is invalid.");

        Assert.True(await node.Server.Services.GetRequiredService<ICredentialStore>().DeleteAccessKeyAsync(elsewhereId, CancellationToken.None));
        await there.ListKeysAsync(new ListKeysRequest()); // still cached: the bound is the cache lifetime
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await ThrowsAws("UnrecognizedClientException", () => there.ListKeysAsync(new ListKeysRequest()));
    }

    private AmazonKeyManagementServiceClient Kms(Amazon.SecurityToken.Model.Credentials credentials) =>
        new(new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), Config(_trent.Url));

    private static AmazonKeyManagementServiceClient Kms(string accessKeyId, string secret, string url) =>
        new(new BasicAWSCredentials(accessKeyId, secret), Config(url));

    private static AmazonKeyManagementServiceConfig Config(string url)
    {
        var config = TestTrent.Config(url);
        config.MaxErrorRetry = 0;
        return config;
    }

    private AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials) =>
        new(credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = _trent.Url, AuthenticationRegion = TestTrent.Region, MaxErrorRetry = 0 });
}
