using System.Text.Json;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Domain.Identity;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Audit;

/// <summary>
/// A request by one account on another account's key is delivered to both accounts' trails, as CloudTrail
/// does: each copy with its own eventID and recipientAccountId, both with one sharedEventID.
/// </summary>
public sealed class CrossAccountAuditTests
{
    private const string Target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

    [Fact]
    public async Task The_key_owner_sees_another_accounts_use_of_its_key_and_a_third_account_sees_nothing()
    {
        var data = TestTrent.NewDataDirectory();
        await using var trent = await TestTrent.StartAsync(data);
        using var kmsA = trent.Client();
        var accounts = trent.Server.Services.GetRequiredService<AccountService>();
        var (accountB, rootB) = await accounts.CreateAccountAsync(null, CancellationToken.None);
        var (_, rootC) = await accounts.CreateAccountAsync(null, CancellationToken.None);
        var key = (await kmsA.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""
                {"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{TestTrent.AccountId}}:root"},"Action":"kms:*","Resource":"*"},
                {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{accountB}}:root"},"Action":"kms:Encrypt","Resource":"*"}]}
                """,
        })).KeyMetadata;

        using var kmsB = trent.Client(rootB.AccessKeyId, rootB.SecretAccessKey);
        var encrypted = await kmsB.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([1]) });
        var requestId = encrypted.ResponseMetadata.RequestId;
        // Refused by the key policy: AWS logs a denied cross-account request in the caller's account only.
        await ThrowsAws("AccessDeniedException", () => kmsB.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, KeyId = key.Arn }));
        // Account C may not use the key and fails before it is authorized: nothing reaches A's trail either.
        using var kmsC = trent.Client(rootC.AccessKeyId, rootC.SecretAccessKey);
        await ThrowsAws("InvalidGrantTokenException", () => kmsC.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([2]), GrantTokens = ["not-a-token"] }));
        await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();

        using var raw = new RawKmsClient(trent.Url);
        var byResource = await LookupAsync(raw, "ResourceName", key.Arn, TestTrent.AccessKeyId, TestTrent.SecretAccessKey);
        var ownerCopy = Assert.Single(byResource, e => e.GetProperty("requestID").GetString() == requestId);
        Assert.Equal(TestTrent.AccountId, ownerCopy.GetProperty("recipientAccountId").GetString());
        // The owner learns which account and principal used its key, not the caller's ARN or access key.
        var ownerView = ownerCopy.GetProperty("userIdentity");
        Assert.Equal(("AWSAccount", accountB), (ownerView.GetProperty("type").GetString(), ownerView.GetProperty("accountId").GetString()));
        Assert.False(ownerView.TryGetProperty("arn", out _) || ownerView.TryGetProperty("accessKeyId", out _));
        Assert.Equal("Encrypt", ownerCopy.GetProperty("eventName").GetString());
        Assert.Equal(TestTrent.AccountId, ownerCopy.GetProperty("resources")[0].GetProperty("accountId").GetString());
        Assert.DoesNotContain(byResource, e => e.GetProperty("eventName").GetString() == "Decrypt" || e.TryGetProperty("errorCode", out _));
        var byName = await LookupAsync(raw, "EventName", "Encrypt", TestTrent.AccessKeyId, TestTrent.SecretAccessKey);
        Assert.Equal(ownerCopy.GetProperty("eventID").GetString(), Assert.Single(byName, e => e.GetProperty("requestID").GetString() == requestId).GetProperty("eventID").GetString());

        var callerEvents = await LookupAsync(raw, "ResourceName", key.Arn, rootB.AccessKeyId, rootB.SecretAccessKey);
        var callerCopy = Assert.Single(callerEvents, e => e.GetProperty("requestID").GetString() == requestId);
        Assert.Equal(accountB, callerCopy.GetProperty("recipientAccountId").GetString());
        Assert.Equal(("Root", rootB.AccessKeyId), (callerCopy.GetProperty("userIdentity").GetProperty("type").GetString(), callerCopy.GetProperty("userIdentity").GetProperty("accessKeyId").GetString()));
        Assert.Equal(ownerView.GetProperty("principalId").GetString(), callerCopy.GetProperty("userIdentity").GetProperty("principalId").GetString());
        Assert.Equal(ownerCopy.GetProperty("sharedEventID").GetString(), callerCopy.GetProperty("sharedEventID").GetString());
        Assert.True(Guid.TryParse(callerCopy.GetProperty("sharedEventID").GetString(), out _));
        Assert.NotEqual(ownerCopy.GetProperty("eventID").GetString(), callerCopy.GetProperty("eventID").GetString());
        var denied = Assert.Single(callerEvents, e => e.GetProperty("eventName").GetString() == "Decrypt");
        Assert.Equal("AccessDeniedException", denied.GetProperty("errorCode").GetString());
        Assert.False(denied.TryGetProperty("sharedEventID", out _));

        // C sees its own failed attempt, and none of A's or B's events.
        var seenByC = await LookupAsync(raw, "ResourceName", key.Arn, rootC.AccessKeyId, rootC.SecretAccessKey);
        Assert.Equal("InvalidGrantTokenException", Assert.Single(seenByC).GetProperty("errorCode").GetString());
        Assert.Equal("InvalidGrantTokenException", Assert.Single(await LookupAsync(raw, "EventName", "Encrypt", rootC.AccessKeyId, rootC.SecretAccessKey)).GetProperty("errorCode").GetString());

        // The trail holds exactly the two copies; an account's own request on its own key has no shared ID.
        var records = AuditFiles.ReadAll(trent.DataDirectory).Where(r => r.GetProperty("requestID").GetString() == requestId).ToList();
        Assert.Equal([accountB, TestTrent.AccountId], records.Select(r => r.GetProperty("recipientAccountId").GetString()!));
        var create = Assert.Single(byResource, e => e.GetProperty("eventName").GetString() == "CreateKey");
        Assert.False(create.TryGetProperty("sharedEventID", out _));

        // The owner's key usage names the owner's copy, which the owner can look up.
        var usage = (await kmsA.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId })).KeyLastUsage;
        Assert.Equal("Encrypt", usage.Operation.Value);
        Assert.Equal(requestId, usage.KmsRequestId);
        Assert.Equal(ownerCopy.GetProperty("eventID").GetString(), usage.CloudTrailEventId);

        // The index read back from the sealed files (as after its loss) answers exactly as the live one did.
        await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        var owner = await LookupBodyAsync(raw, key.Arn, TestTrent.AccessKeyId, TestTrent.SecretAccessKey);
        var caller = await LookupBodyAsync(raw, key.Arn, rootB.AccessKeyId, rootB.SecretAccessKey);
        await trent.DisposeAsync();
        foreach (var file in Directory.GetFiles(data, "audit-index.db*"))
        {
            File.Delete(file);
        }

        await using var restarted = await TestTrent.StartAsync(data);
        await restarted.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        using var rawAgain = new RawKmsClient(restarted.Url);
        Assert.Equal(owner, await LookupBodyAsync(rawAgain, key.Arn, TestTrent.AccessKeyId, TestTrent.SecretAccessKey));
        Assert.Equal(caller, await LookupBodyAsync(rawAgain, key.Arn, rootB.AccessKeyId, rootB.SecretAccessKey));
        Assert.Contains("\"Username\":", owner, StringComparison.Ordinal);
        await restarted.DisposeAsync();
        TestTrent.TryDelete(data);
    }

    private static async Task<string> LookupBodyAsync(RawKmsClient raw, string keyArn, string accessKeyId, string secret)
    {
        var body = JsonSerializer.Serialize(new { LookupAttributes = new[] { new { AttributeKey = "ResourceName", AttributeValue = keyArn } } });
        var reply = await raw.SendAsync(Target, body, accessKeyId: accessKeyId, secret: secret, service: "cloudtrail");
        Assert.True(reply.Status == 200, reply.Body);
        return reply.Body;
    }

    private static async Task<List<JsonElement>> LookupAsync(RawKmsClient raw, string attribute, string value, string accessKeyId, string secret)
    {
        var body = JsonSerializer.Serialize(new { LookupAttributes = new[] { new { AttributeKey = attribute, AttributeValue = value } } });
        var reply = await raw.SendAsync(Target, body, accessKeyId: accessKeyId, secret: secret, service: "cloudtrail");
        Assert.True(reply.Status == 200, reply.Body);
        using var document = JsonDocument.Parse(reply.Body);
        return document.RootElement.GetProperty("Events").EnumerateArray()
            .Select(e => JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!).RootElement.Clone())
            .ToList();
    }
}
