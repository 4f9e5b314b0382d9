using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Data.Sqlite;
using Trent.Server;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Sealing;

/// <summary>The root of trust through real servers: never silently replaced, never the wrong one, and what it
/// authorizes bound into each sealed secret.</summary>
public sealed class RootOfTrustTests
{
    [Fact]
    public async Task A_missing_root_key_file_is_never_recreated_over_sealed_data()
    {
        var directory = TestTrent.NewDataDirectory();
        var (keyId, ciphertext) = await EncryptSomethingAsync(directory);
        var rootKey = Path.Combine(directory, "root.key");
        var original = File.ReadAllBytes(rootKey);
        File.Delete(rootKey);

        var error = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(directory));
        Assert.Contains("root key file", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(File.Exists(rootKey));

        File.WriteAllBytes(rootKey, original);
        await using var restored = await TestTrent.StartAsync(directory);
        using var client = restored.Client();
        Assert.Equal(keyId, KeyIdOf((await client.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) })).KeyId));
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task Another_root_key_is_refused_in_one_line()
    {
        var directory = TestTrent.NewDataDirectory();
        await EncryptSomethingAsync(directory);
        File.WriteAllBytes(Path.Combine(directory, "root.key"), RandomNumberGenerator.GetBytes(32));

        var error = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(directory));
        Assert.Contains("cannot unwrap", error.Message, StringComparison.Ordinal);
        Assert.Equal(StartupFailure.Environment, error.Failure);
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_passphrase_root_survives_restarts_refuses_another_passphrase_and_writes_no_key_file()
    {
        var directory = TestTrent.NewDataDirectory();
        const string passphrase = "a passphrase for the tests, not for real keys";
        var (keyId, ciphertext) = await EncryptSomethingAsync(directory, Passphrase(passphrase));
        Assert.False(File.Exists(Path.Combine(directory, "root.key")));
        Assert.DoesNotContain(passphrase, string.Join('\n', Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".log", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).Select(File.ReadAllText)), StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(directory, configure: Passphrase(passphrase + "!")));
        Assert.Contains("cannot unwrap", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(passphrase, error.Message, StringComparison.Ordinal);

        await using (var again = await TestTrent.StartAsync(directory, configure: Passphrase(passphrase)))
        {
            using var client = again.Client();
            var plain = await client.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) });
            Assert.Equal(keyId, KeyIdOf(plain.KeyId));
        }

        // The passphrase may also come from a file (first line); a file root on this data is refused.
        var passphraseDirectory = Directory.CreateDirectory(TestDirectories.New()).FullName;
        var file = Path.Combine(passphraseDirectory, "passphrase");
        File.WriteAllText(file, passphrase + "\n");
        await using (var fromFile = await TestTrent.StartAsync(directory, configure: o => { o.RootOfTrust = "passphrase"; o.RootPassphraseFile = file; }))
        {
        }

        await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(directory));
        TestTrent.TryDelete(directory);
        TestTrent.TryDelete(passphraseDirectory);
    }

    [Fact]
    public async Task Editing_an_access_keys_principal_type_in_the_database_stops_the_key_working()
    {
        var directory = TestTrent.NewDataDirectory();
        string accessKeyId, secret;
        await using (var trent = await TestTrent.StartAsync(directory, configure: o => o.Store = null))
        {
            using var iam = IamClient.Admin(trent);
            (_, accessKeyId, secret) = await iam.CreateUserWithKeyAsync("mallory");
            using var asUser = trent.Client(accessKeyId, secret);
            // Works as the user (and is denied, as a user without permissions is).
            var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => asUser.CreateKeyAsync(new CreateKeyRequest()));
            Assert.Equal("AccessDeniedException", denied.ErrorCode);
        }

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "trent.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE access_keys SET principal_type = 'Root', principal_arn = 'arn:aws:iam::111122223333:root' WHERE access_key_id = $id";
            command.Parameters.AddWithValue("$id", accessKeyId);
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        await using (var trent = await TestTrent.StartAsync(directory, configure: o => o.Store = null))
        {
            using var asRoot = trent.Client(accessKeyId, secret);
            var refused = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => asRoot.CreateKeyAsync(new CreateKeyRequest()));
            Assert.Equal("UnrecognizedClientException", refused.ErrorCode);
        }

        TestTrent.TryDelete(directory);
    }

    internal static Action<Trent.Server.TrentServerOptions> Passphrase(string passphrase) => o =>
    {
        o.RootOfTrust = "passphrase";
        o.RootPassphrase = passphrase;
    };

    internal static async Task<(string KeyId, byte[] Ciphertext)> EncryptSomethingAsync(string directory, Action<Trent.Server.TrentServerOptions>? configure = null)
    {
        await using var trent = await TestTrent.StartAsync(directory, configure: configure);
        using var client = trent.Client();
        var keyId = (await client.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var encrypted = await client.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream([1, 2, 3]) });
        return (keyId, encrypted.CiphertextBlob.ToArray());
    }

    internal static string KeyIdOf(string arn) => arn[(arn.LastIndexOf('/') + 1)..];
}
