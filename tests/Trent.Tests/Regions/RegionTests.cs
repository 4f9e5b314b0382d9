using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Regions;

/// <summary>One endpoint serves every Region: the credential scope picks it, and keys, aliases, quotas and the
/// audit trail are per account and Region, with ARNs in the partition of the Region.</summary>
public sealed class RegionTests
{
    private const string LookupEvents = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

    [Fact]
    public async Task Clients_of_three_Regions_each_see_only_their_own_keys_and_aliases()
    {
        await using var trent = await TestTrent.StartAsync();
        using var east = trent.ClientIn("us-east-1");
        using var ireland = trent.ClientIn("eu-west-1");
        using var oregon = trent.ClientIn("us-west-2");

        var irish = (await ireland.CreateKeyAsync(new CreateKeyRequest { Description = "irish" })).KeyMetadata;
        var eastern = (await east.CreateKeyAsync(new CreateKeyRequest { Description = "eastern" })).KeyMetadata;
        Assert.Equal($"arn:aws:kms:eu-west-1:{TestTrent.AccountId}:key/{irish.KeyId}", irish.Arn);
        Assert.Equal($"arn:aws:kms:us-east-1:{TestTrent.AccountId}:key/{eastern.KeyId}", eastern.Arn);

        // The same alias name in two Regions names two keys.
        await ireland.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = irish.KeyId });
        await east.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = eastern.KeyId });
        Assert.Equal(irish.KeyId, (await ireland.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/app" })).KeyMetadata.KeyId);
        Assert.Equal(eastern.KeyId, (await east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/app" })).KeyMetadata.KeyId);
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => oregon.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/app" }));
        Assert.Equal($"Alias arn:aws:kms:us-west-2:{TestTrent.AccountId}:alias/app is not found.", missing.Message);

        Assert.Equal([irish.KeyId], (await ireland.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId));
        Assert.Equal([eastern.KeyId], (await east.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId));
        Assert.Empty((await oregon.ListKeysAsync(new ListKeysRequest())).Keys);
        Assert.Empty((await oregon.ListAliasesAsync(new ListAliasesRequest())).Aliases);

        // A key ID of another Region is not found here; its ARN names the wrong Region.
        var notHere = await Assert.ThrowsAsync<NotFoundException>(() => oregon.DescribeKeyAsync(new DescribeKeyRequest { KeyId = irish.KeyId }));
        Assert.Equal($"Key 'arn:aws:kms:us-west-2:{TestTrent.AccountId}:key/{irish.KeyId}' does not exist", notHere.Message);
        var wrongRegion = await Assert.ThrowsAsync<NotFoundException>(() => east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = irish.Arn }));
        Assert.Equal("Invalid arn eu-west-1", wrongRegion.Message);

        // A single-Region key's ciphertext decrypts only in its own Region.
        var blob = (await ireland.EncryptAsync(new EncryptRequest { KeyId = irish.KeyId, Plaintext = new MemoryStream([1, 2, 3]) })).CiphertextBlob;
        Assert.Equal([1, 2, 3], (await ireland.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) })).Plaintext.ToArray());
        var elsewhere = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => east.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) }));
        Assert.Equal("AccessDeniedException", elsewhere.ErrorCode);
    }

    [Fact]
    public async Task Keys_of_every_Region_survive_a_restart()
    {
        var data = TestTrent.NewDataDirectory();
        try
        {
            var ids = new Dictionary<string, string>();
            await using (var trent = await TestTrent.StartAsync(data))
            {
                foreach (var region in new[] { "ap-southeast-2", "eu-central-1", "sa-east-1" })
                {
                    using var kms = trent.ClientIn(region);
                    ids[region] = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
                }
            }

            await using var again = await TestTrent.StartAsync(data);
            foreach (var (region, keyId) in ids)
            {
                using var kms = again.ClientIn(region);
                var keys = (await kms.ListKeysAsync(new ListKeysRequest())).Keys;
                Assert.Equal([$"arn:aws:kms:{region}:{TestTrent.AccountId}:key/{keyId}"], keys.Select(k => k.KeyArn));
            }
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }

    [Fact]
    public async Task A_Region_of_another_partition_has_ARNs_and_callers_of_that_partition()
    {
        await using var trent = await TestTrent.StartAsync();
        using var china = trent.ClientIn("cn-north-1");
        var key = (await china.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.Equal($"arn:aws-cn:kms:cn-north-1:{TestTrent.AccountId}:key/{key.KeyId}", key.Arn);
        var policy = (await china.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy;
        Assert.Contains($"arn:aws-cn:iam::{TestTrent.AccountId}:root", policy, StringComparison.Ordinal);
        // The default policy names the account's root in aws-cn, and the caller is that root there.
        await china.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([7]) });

        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey),
            new AmazonSecurityTokenServiceConfig { ServiceURL = trent.Url, AuthenticationRegion = "cn-north-1", MaxErrorRetry = 0 });
        Assert.Equal($"arn:aws-cn:iam::{TestTrent.AccountId}:root", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }

    [Fact]
    public async Task A_scope_naming_no_served_Region_is_refused_as_AWS_refuses_it()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.Regions = "us-east-1,eu-west-1");
        using var raw = new RawKmsClient(trent.Url);
        foreach (var region in new[] { "us-west-2", "xx-moon-1", "US-EAST-1" })
        {
            var reply = await raw.SendAsync("TrentService.ListKeys", "{}", region: region);
            Assert.Equal(400, reply.Status);
            Assert.Equal("InvalidSignatureException", reply.ErrorType);
            Assert.Equal("Credential should be scoped to a valid region.", reply.Message);
        }

        Assert.Equal(200, (await raw.SendAsync("TrentService.ListKeys", "{}", region: "eu-west-1")).Status);
    }

    [Fact]
    public async Task Audit_records_carry_the_Region_and_LookupEvents_is_per_Region()
    {
        await using var trent = await TestTrent.StartAsync();
        using var ireland = trent.ClientIn("eu-west-1");
        using var east = trent.ClientIn("us-east-1");
        var irish = (await ireland.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var eastern = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

        var records = AuditFiles.ReadAll(trent.DataDirectory).Where(r => r.GetProperty("eventName").GetString() == "CreateKey").ToList();
        Assert.Equal("eu-west-1", records.Single(r => r.GetRawText().Contains(irish.KeyId, StringComparison.Ordinal)).GetProperty("awsRegion").GetString());
        Assert.Equal("us-east-1", records.Single(r => r.GetRawText().Contains(eastern.KeyId, StringComparison.Ordinal)).GetProperty("awsRegion").GetString());

        await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        using var raw = new RawKmsClient(trent.Url);
        foreach (var (region, mine, theirs) in new[] { ("eu-west-1", irish.KeyId, eastern.KeyId), ("us-east-1", eastern.KeyId, irish.KeyId) })
        {
            var body = JsonSerializer.Serialize(new { LookupAttributes = new[] { new { AttributeKey = "EventName", AttributeValue = "CreateKey" } } });
            var reply = await raw.SendAsync(LookupEvents, body, region: region, service: "cloudtrail");
            Assert.True(reply.Status == 200, reply.Body);
            var events = JsonDocument.Parse(reply.Body).RootElement.GetProperty("Events").EnumerateArray().Select(e => e.GetProperty("CloudTrailEvent").GetString()!).ToList();
            Assert.Contains(events, e => e.Contains(mine, StringComparison.Ordinal));
            Assert.DoesNotContain(events, e => e.Contains(theirs, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Request_quotas_are_per_Region()
    {
        await using var trent = await TestTrent.StartAsync(configure: o =>
        {
            o.Quotas.Enabled = true;
            o.Quotas.ManagementPerSecond["CreateKey"] = 1;
        });
        using var east = trent.ClientIn("us-east-1");
        using var ireland = trent.ClientIn("eu-west-1");
        await east.CreateKeyAsync(new CreateKeyRequest());
        await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => east.CreateKeyAsync(new CreateKeyRequest()));
        // Another Region's bucket is untouched.
        await ireland.CreateKeyAsync(new CreateKeyRequest());
    }
}
