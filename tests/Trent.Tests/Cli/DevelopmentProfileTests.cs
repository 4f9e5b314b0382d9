using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Server;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Cli;

/// <summary>
/// <c>trent serve --dev</c>: the well-known credentials work through the AWS SDK, the state goes with the process
/// (SIGTERM and Ctrl-C alike), it refuses to listen beyond loopback unless forced, and <c>POST /_trent/reset</c>
/// empties it, through the one request pipeline (signed, authorized, audited once), on the development profile only.
/// </summary>
public sealed class DevelopmentProfileTests
{
    private const string ResetTarget = "/_trent/reset";
    private const string LookupEvents = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serves_the_well_known_test_credentials_and_removes_its_state_when_stopped(string signal)
    {
        using var trent = await TrentProcess.StartDevelopmentAsync();
        var output = trent.Output();
        Assert.Contains("DEVELOPMENT PROFILE (--dev): NOT FOR REAL KEYS", output, StringComparison.Ordinal);
        Assert.Contains("warn:", output, StringComparison.Ordinal);
        Assert.Contains("export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test", output, StringComparison.Ordinal);
        var data = output.Split('\n').Single(l => l.StartsWith("Data directory:", StringComparison.Ordinal))["Data directory:".Length..].Trim().Split(' ')[0];
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "trent-dev-"), data, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "trent.db")));

        // An access key ID that is no AKIA... is what LocalStack users configure; SigV4 takes it like any other.
        using (var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("test", "test"), TestTrent.Config(trent.Url)))
        {
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            var sealedBlob = await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("dev"u8.ToArray()) });
            var opened = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = sealedBlob.CiphertextBlob });
            Assert.Equal("dev", Encoding.UTF8.GetString(opened.Plaintext.ToArray()));
            // Authenticated all the same: the wrong secret is refused.
            using var guess = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("test", "guess"), TestTrent.Config(trent.Url));
            var wrong = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => guess.ListKeysAsync(new ListKeysRequest()));
            Assert.Equal("InvalidSignatureException", wrong.ErrorCode);
        }

        Assert.Equal(0, await trent.StopAsync(signal));
        Assert.False(Directory.Exists(data), $"{data} is still there after SIG{signal}:\n{trent.Output()}");
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    [InlineData("http://*:0")]
    public async Task Refuses_a_listener_beyond_loopback_in_one_line_unless_forced(string urls)
    {
        var result = await TrentCli.RunAsync("serve", "--dev", "--urls", urls);
        Assert.True(result.Exit == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("--dev listens on loopback only", line, StringComparison.Ordinal);
        Assert.Contains("--dev-allow-remote", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--data", "somewhere")]
    [InlineData("--store", "Host=127.0.0.1")]
    [InlineData("--root-key", "root.key")]
    [InlineData("--dev-allow-remote", null)]
    public async Task Refuses_settings_that_would_outlive_it_and_a_forced_remote_without_dev(string option, string? value)
    {
        string[] args = option == "--dev-allow-remote" ? ["serve", option, "--urls", "http://127.0.0.1:0"] : ["serve", "--dev", option, value!];
        var work = TrentCli.NewDirectory();
        try
        {
            var result = await TrentCli.RunAsync(args, work);
            Assert.True(result.Exit == 2, result.ToString());
            Assert.Contains(option, Assert.Single(result.StderrLines), StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(work));
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task Listens_beyond_loopback_when_forced()
    {
        var directory = TestTrent.NewDataDirectory();
        var options = new TrentServerOptions { Urls = "http://0.0.0.0:0", NodeName = "test" };
        DevelopmentProfile.Apply(options, directory);
        await Assert.ThrowsAsync<StartupException>(() => TrentServer.CreateAsync(options));
        options.DevelopmentAllowRemote = true;
        await using (var server = await TrentServer.CreateAsync(options))
        {
            await server.StartAsync();
            Assert.StartsWith("http://0.0.0.0:", server.Urls[0], StringComparison.Ordinal);
        }

        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task Reset_empties_the_server_but_for_its_administrator_and_is_audited_once()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.Development = true);
        using var kms = trent.Client();
        using var iam = IamClient.Admin(trent);
        using var raw = new RawKmsClient(trent.Url);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.CreateAliasAsync("alias/reset-me", key);
        var (aliceArn, aliceKey, aliceSecret) = await iam.CreateUserWithKeyAsync("alice", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""");
        await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = aliceArn, Operations = ["Decrypt"] });
        await iam.CreateRoleAsync("app", $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{aliceArn}}"},"Action":"sts:AssumeRole"}]}""");
        using var alice = trent.Client(aliceKey, aliceSecret);
        Assert.Equal(key, (await alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/reset-me" })).KeyMetadata.KeyId);

        // Signed by anyone but the administrator, or not at all: refused, and nothing goes.
        var byAlice = await raw.SendAsync(null, string.Empty, accessKeyId: aliceKey, secret: aliceSecret, path: ResetTarget);
        Assert.Equal((400, "AccessDeniedException"), (byAlice.Status, byAlice.ErrorType));
        var unsigned = await raw.SendAsync(null, string.Empty, sign: false, path: ResetTarget);
        Assert.Equal("MissingAuthenticationTokenException", unsigned.ErrorType);
        Assert.Single((await kms.ListKeysAsync(new ListKeysRequest())).Keys);

        var reset = await raw.SendAsync(null, string.Empty, path: ResetTarget);
        Assert.True(reset.Status == 200, reset.Body);
        Assert.Equal("application/json", reset.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            """{"reset":true,"removed":{"keys":1,"aliases":1,"grants":1,"users":1,"roles":1,"accounts":0,"accessKeys":1}}""", reset.Body);

        Assert.Empty((await kms.ListKeysAsync(new ListKeysRequest())).Keys);
        await Assert.ThrowsAsync<NotFoundException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/reset-me" }));
        var gone = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => alice.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("UnrecognizedClientException", gone.ErrorCode);

        // Names come back at once, without a stale cached alias or identity in the way.
        var again = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.CreateAliasAsync("alias/reset-me", again);
        Assert.Equal(again, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/reset-me" })).KeyMetadata.KeyId);
        var (_, newKey, newSecret) = await iam.CreateUserWithKeyAsync("alice", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""");
        using var newAlice = trent.Client(newKey, newSecret);
        Assert.Single((await newAlice.ListKeysAsync(new ListKeysRequest())).Keys);

        // One record per reset request, the refused ones included.
        await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        var lookup = await raw.SendAsync(
            LookupEvents, """{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"ResetDevelopmentState"}]}""", service: "cloudtrail");
        using var events = JsonDocument.Parse(lookup.Body);
        var records = events.RootElement.GetProperty("Events").EnumerateArray()
            .Select(e => JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!).RootElement.Clone()).ToList();
        var requestIds = new[] { byAlice, unsigned, reset }.Select(r => r.Response.Headers.GetValues("x-amzn-RequestId").Single()).ToList();
        Assert.Equal(requestIds.Order(StringComparer.Ordinal), records.Select(r => r.GetProperty("requestID").GetString()!).Order(StringComparer.Ordinal));
        var done = records.Single(r => r.GetProperty("requestID").GetString() == requestIds[2]);
        Assert.False(done.TryGetProperty("errorCode", out _));
        Assert.Equal("kms.amazonaws.com", done.GetProperty("eventSource").GetString());
        Assert.Equal(1, done.GetProperty("responseElements").GetProperty("removed").GetProperty("keys").GetInt32());
        Assert.Equal(TestTrent.AccessKeyId, done.GetProperty("userIdentity").GetProperty("accessKeyId").GetString());
    }

    [Fact]
    public async Task Reset_is_not_served_outside_the_development_profile()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        await kms.CreateKeyAsync(new CreateKeyRequest());
        using var raw = new RawKmsClient(trent.Url);
        var reply = await raw.SendAsync(null, string.Empty, path: ResetTarget);
        Assert.Equal((404, "UnknownOperationException"), (reply.Status, reply.ErrorType));
        Assert.Single((await kms.ListKeysAsync(new ListKeysRequest())).Keys);
    }
}
