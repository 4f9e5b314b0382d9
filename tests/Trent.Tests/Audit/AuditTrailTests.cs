using System.Security.Cryptography;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Audit;

/// <summary>Every request, allowed or denied, leaves one CloudTrail record, and no record holds a secret.</summary>
public sealed class AuditTrailTests
{
    [Fact]
    public async Task Each_request_leaves_one_CloudTrail_record_without_secrets()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        var plaintext = RandomNumberGenerator.GetBytes(40);
        var created = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "audited" });
        var key = created.KeyMetadata;
        var encrypted = await kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.KeyId, Plaintext = new MemoryStream(plaintext), EncryptionContext = new() { ["tenant"] = "t1" },
        });
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        var failed = await Assert.ThrowsAsync<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(encrypted.CiphertextBlob.ToArray()), EncryptionContext = new() { ["tenant"] = "t2" },
        }));
        using var raw = new RawKmsClient(trent.Url);
        var unsigned = await raw.SendAsync("TrentService.ListKeys", "{}", sign: false);
        var forged = await raw.SendAsync("TrentService.ListKeys", "{}", secret: "wrong-secret");

        var records = AuditFiles.ReadAll(trent.DataDirectory);
        Assert.Equal(6, records.Count);
        foreach (var record in records)
        {
            Assert.Equal("1.11", record.GetProperty("eventVersion").GetString());
            Assert.Equal("kms.amazonaws.com", record.GetProperty("eventSource").GetString());
            Assert.Equal(TestTrent.Region, record.GetProperty("awsRegion").GetString());
            Assert.Equal("127.0.0.1", record.GetProperty("sourceIPAddress").GetString());
            Assert.Equal("AwsApiCall", record.GetProperty("eventType").GetString());
            Assert.True(Guid.TryParse(record.GetProperty("eventID").GetString(), out _));
            Assert.True(DateTime.TryParse(record.GetProperty("eventTime").GetString(), out _));
        }

        var byRequest = records.ToDictionary(r => r.GetProperty("requestID").GetString()!);
        var create = byRequest[created.ResponseMetadata.RequestId];
        Assert.Equal("CreateKey", create.GetProperty("eventName").GetString());
        Assert.False(create.GetProperty("readOnly").GetBoolean());
        Assert.Equal(key.KeyId, create.GetProperty("responseElements").GetProperty("keyMetadata").GetProperty("keyId").GetString());
        Assert.Equal("Root", create.GetProperty("userIdentity").GetProperty("type").GetString());
        Assert.Equal(TestTrent.AccessKeyId, create.GetProperty("userIdentity").GetProperty("accessKeyId").GetString());
        Assert.Equal($"arn:aws:iam::{TestTrent.AccountId}:root", create.GetProperty("userIdentity").GetProperty("arn").GetString());

        var encrypt = byRequest[encrypted.ResponseMetadata.RequestId];
        Assert.Equal("Encrypt", encrypt.GetProperty("eventName").GetString());
        Assert.True(encrypt.GetProperty("readOnly").GetBoolean());
        Assert.Equal(key.KeyId, encrypt.GetProperty("requestParameters").GetProperty("keyId").GetString());
        Assert.Equal("t1", encrypt.GetProperty("requestParameters").GetProperty("encryptionContext").GetProperty("tenant").GetString());
        Assert.False(encrypt.GetProperty("requestParameters").TryGetProperty("plaintext", out _));
        Assert.Equal(JsonValueKind.Null, encrypt.GetProperty("responseElements").ValueKind);
        Assert.Equal(key.Arn, encrypt.GetProperty("resources")[0].GetProperty("ARN").GetString());
        Assert.Equal("AWS::KMS::Key", encrypt.GetProperty("resources")[0].GetProperty("type").GetString());

        var decrypt = byRequest[failed.RequestId];
        Assert.Equal("Decrypt", decrypt.GetProperty("eventName").GetString());
        Assert.Equal("InvalidCiphertextException", decrypt.GetProperty("errorCode").GetString());

        var anonymous = byRequest[unsigned.Response.Headers.GetValues("x-amzn-RequestId").Single()];
        Assert.Equal("MissingAuthenticationTokenException", anonymous.GetProperty("errorCode").GetString());
        Assert.Equal("Unknown", anonymous.GetProperty("userIdentity").GetProperty("type").GetString());
        Assert.Equal("ListKeys", anonymous.GetProperty("eventName").GetString());

        var bad = byRequest[forged.Response.Headers.GetValues("x-amzn-RequestId").Single()];
        Assert.Equal("InvalidSignatureException", bad.GetProperty("errorCode").GetString());
        Assert.Equal(TestTrent.AccessKeyId, bad.GetProperty("userIdentity").GetProperty("accessKeyId").GetString());
        Assert.False(bad.GetProperty("userIdentity").TryGetProperty("arn", out _));

        var text = string.Join("\n", records.Select(r => r.GetRawText()));
        foreach (var secret in new[] { plaintext, dataKey.Plaintext.ToArray(), encrypted.CiphertextBlob.ToArray(), dataKey.CiphertextBlob.ToArray() })
        {
            Assert.DoesNotContain(Convert.ToBase64String(secret), text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(TestTrent.SecretAccessKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_files_are_not_world_readable()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        await kms.ListKeysAsync(new ListKeysRequest());
        var file = Assert.Single(Directory.GetFiles(Path.Combine(trent.DataDirectory, "audit"), "*.jsonl"));
        Assert.Contains("_test_", Path.GetFileName(file), StringComparison.Ordinal);
        foreach (var any in Directory.GetFiles(Path.Combine(trent.DataDirectory, "audit"), "*", SearchOption.AllDirectories))
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(any) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite));
        }
    }
}
