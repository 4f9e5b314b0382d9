using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Keys_aliases_tags_policies_and_states_survive_a_restart()
    {
        var data = TestTrent.NewDataDirectory();
        string keyId, disabledId, pendingId;
        byte[] ciphertext;
        // A policy of its own (the lockout check refuses one that would shut the administrator out).
        const string policy = """{"Version":"2012-10-17","Statement":[{"Sid":"persisted","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}]}""";
        await using (var first = await TestTrent.StartAsync(data))
        {
            using var kms = first.Client();
            keyId = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "persisted", Tags = [new Tag { TagKey = "k", TagValue = "v" }] })).KeyMetadata.KeyId;
            await kms.CreateAliasAsync("alias/persisted", keyId);
            await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = keyId, Policy = policy });
            ciphertext = (await kms.EncryptAsync(new EncryptRequest
            {
                KeyId = "alias/persisted", Plaintext = new MemoryStream([9, 8, 7]), EncryptionContext = new() { ["a"] = "b" },
            })).CiphertextBlob.ToArray();
            disabledId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await kms.DisableKeyAsync(disabledId);
            pendingId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = pendingId, PendingWindowInDays = 7 });
        }

        await using var second = await TestTrent.StartAsync(data);
        using var again = second.Client();
        var key = (await again.DescribeKeyAsync("alias/persisted")).KeyMetadata;
        Assert.Equal(keyId, key.KeyId);
        Assert.Equal("persisted", key.Description);
        Assert.Equal(policy, (await again.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = keyId })).Policy);
        Assert.Equal("v", Assert.Single((await again.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keyId })).Tags).TagValue);
        Assert.Equal(new byte[] { 9, 8, 7 }, (await again.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(ciphertext), EncryptionContext = new() { ["a"] = "b" },
        })).Plaintext.ToArray());
        Assert.Equal(KeyState.Disabled, (await again.DescribeKeyAsync(disabledId)).KeyMetadata.KeyState);
        Assert.Equal(KeyState.PendingDeletion, (await again.DescribeKeyAsync(pendingId)).KeyMetadata.KeyState);
        Assert.Equal(3, (await again.ListKeysAsync(new ListKeysRequest())).Keys.Count);
    }

    [Fact]
    public async Task No_plaintext_key_material_secret_or_root_key_is_written_anywhere_but_the_root_key_file()
    {
        var data = TestTrent.NewDataDirectory();
        byte[] dataKey;
        var secretPlaintext = RandomNumberGenerator.GetBytes(48);
        await using (var trent = await TestTrent.StartAsync(data))
        {
            using var kms = trent.Client();
            var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            dataKey = (await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = DataKeySpec.AES_256 })).Plaintext.ToArray();
            await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(secretPlaintext) });
            await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 });
        }

        var rootKeyFile = Path.Combine(data, "root.key");
        var rootKey = await File.ReadAllBytesAsync(rootKeyFile);
        Assert.Equal(32, rootKey.Length);
        var needles = new Dictionary<string, byte[]>
        {
            ["data key"] = dataKey,
            ["data key (base64)"] = Encoding.UTF8.GetBytes(Convert.ToBase64String(dataKey)),
            ["plaintext"] = secretPlaintext,
            ["plaintext (base64)"] = Encoding.UTF8.GetBytes(Convert.ToBase64String(secretPlaintext)),
            ["root key"] = rootKey,
            ["root key (base64)"] = Encoding.UTF8.GetBytes(Convert.ToBase64String(rootKey)),
            ["root key (hex)"] = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(rootKey)),
            ["admin secret"] = Encoding.UTF8.GetBytes(TestTrent.SecretAccessKey),
        };

        var scanned = 0;
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Where(f => f != rootKeyFile))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            scanned++;
            foreach (var (name, needle) in needles)
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{name} found in {Path.GetRelativePath(data, file)}");
            }
        }

        Assert.True(scanned >= 2, "the database and the audit trail were scanned");
    }

    [Fact]
    public async Task The_data_directory_and_its_secrets_are_private_to_the_owner()
    {
        await using var trent = await TestTrent.StartAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(trent.DataDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(trent.DataDirectory, "root.key")));
    }
}
