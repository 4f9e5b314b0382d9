using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Testing;
using Xunit;

namespace Trent.Testing.Sample;

/// <summary>What a user's test looks like: a real KMS per test class, no Docker, no mocks.</summary>
public sealed class EncryptionTests : IAsyncLifetime
{
    private TrentTestServer _trent = null!;

    public async Task InitializeAsync() => _trent = await TrentTestServer.StartAsync();

    public async Task DisposeAsync() => await _trent.DisposeAsync();

    [Fact]
    public async Task Data_encrypted_under_a_key_decrypts_only_with_its_context()
    {
        var key = (await _trent.Kms.CreateKeyAsync(new CreateKeyRequest { Description = "sample" })).KeyMetadata;
        var context = new Dictionary<string, string> { ["order"] = "42" };
        var encrypted = await _trent.Kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.KeyId,
            Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("card 4111")),
            EncryptionContext = context,
        });

        var decrypted = await _trent.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = context });
        Assert.Equal("card 4111", Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() =>
            _trent.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }));
    }

    [Fact]
    public async Task Every_Region_is_served_and_separate()
    {
        using var ireland = _trent.CreateClient("eu-west-1");
        var key = (await ireland.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.StartsWith($"arn:aws:kms:eu-west-1:{_trent.AccountId}:key/", key.Arn, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => _trent.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }));
    }
}
