using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Audit;

/// <summary>GetKeyLastUsage through the AWS SDK for .NET, answered from the usage the audit index tracks.</summary>
public sealed class KeyLastUsageTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private Task IndexedAsync() => shared.Trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();

    [Fact]
    public async Task A_key_reports_its_newest_successful_cryptographic_use()
    {
        var kms = shared.Kms;
        var created = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var fresh = await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = created.KeyId });
        Assert.Null(fresh.KeyLastUsage);
        Assert.Equal(created.KeyId, fresh.KeyId);
        Assert.Equal(created.CreationDate, fresh.KeyCreationDate);
        Assert.True(fresh.TrackingStartDate >= created.CreationDate);

        var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = created.Arn, Plaintext = new MemoryStream([1, 2, 3]) });
        await IndexedAsync();
        var afterEncrypt = (await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = created.Arn })).KeyLastUsage;
        Assert.Equal("Encrypt", afterEncrypt.Operation.Value);
        Assert.Equal(encrypted.ResponseMetadata.RequestId, afterEncrypt.KmsRequestId);
        var record = AuditFiles.ReadAll(shared.Trent.DataDirectory).Single(r => r.GetProperty("eventID").GetString() == afterEncrypt.CloudTrailEventId);
        Assert.Equal(encrypted.ResponseMetadata.RequestId, record.GetProperty("requestID").GetString());
        Assert.True(Math.Abs((afterEncrypt.Timestamp!.Value - DateTime.UtcNow).TotalMinutes) < 5);

        // Failed and dry-run requests are not uses; neither are reads of the key.
        await ThrowsAws("InvalidCiphertextException", () => kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = new() { ["wrong"] = "context" },
        }));
        await ThrowsAws("DryRunOperationException", () => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest
        {
            KeyId = created.KeyId, KeySpec = DataKeySpec.AES_256, DryRun = true,
        }));
        await kms.DescribeKeyAsync(created.KeyId);
        await IndexedAsync();
        var unchanged = (await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = created.KeyId })).KeyLastUsage;
        Assert.Equal(afterEncrypt.CloudTrailEventId, unchanged.CloudTrailEventId);

        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob });
        await IndexedAsync();
        var afterDecrypt = (await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = created.KeyId })).KeyLastUsage;
        Assert.Equal("Decrypt", afterDecrypt.Operation.Value);
        Assert.Equal(decrypted.ResponseMetadata.RequestId, afterDecrypt.KmsRequestId);
    }

    [Fact]
    public async Task ReEncrypt_is_a_use_of_both_keys()
    {
        var kms = shared.Kms;
        var source = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var destination = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var dataKey = await kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = source, NumberOfBytes = 32 });
        await IndexedAsync();
        Assert.Equal("GenerateDataKeyWithoutPlaintext", (await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = source })).KeyLastUsage.Operation.Value);

        var reEncrypted = await kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = dataKey.CiphertextBlob, DestinationKeyId = destination });
        await IndexedAsync();
        foreach (var key in new[] { source, destination })
        {
            var usage = (await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key })).KeyLastUsage;
            Assert.Equal("ReEncrypt", usage.Operation.Value);
            Assert.Equal(reEncrypted.ResponseMetadata.RequestId, usage.KmsRequestId);
        }
    }

    [Fact]
    public async Task GetKeyLastUsage_takes_a_key_ID_or_ARN_and_answers_AWS_errors()
    {
        var kms = shared.Kms;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var alias = $"alias/usage-{Guid.NewGuid():N}";
        await kms.CreateAliasAsync(alias, key.KeyId);
        await ThrowsAws("NotFoundException", () => kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = alias }));
        var missing = Guid.NewGuid().ToString();
        await ThrowsAws("NotFoundException", () => kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = missing }),
            $"Key '{shared.Trent.KeyArn(missing)}' does not exist");
        await ThrowsAws("ValidationException", () => kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest()));

        // It is recorded like any other request, naming the key.
        var asked = await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.Arn });
        var record = AuditFiles.ReadAll(shared.Trent.DataDirectory).Single(r => r.GetProperty("requestID").GetString() == asked.ResponseMetadata.RequestId);
        Assert.Equal("GetKeyLastUsage", record.GetProperty("eventName").GetString());
        Assert.True(record.GetProperty("readOnly").GetBoolean());
        Assert.Equal(key.Arn, record.GetProperty("resources")[0].GetProperty("ARN").GetString());
    }

    [Fact]
    public async Task Usage_tracking_keeps_up_with_a_burst_of_requests()
    {
        var kms = shared.Kms;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(RandomNumberGenerator.GetBytes(8)) })));
        await IndexedAsync();
        var usage = (await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key })).KeyLastUsage;
        Assert.Contains(usage.KmsRequestId, responses.Select(r => r.ResponseMetadata.RequestId));
    }
}
