using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Microsoft.Data.Sqlite;
using Trent.Server;
using Trent.Tests.Cli;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Sealing;

/// <summary>
/// An installation made by the Trent before the key hierarchy (commit 6d33670: every value sealed directly under
/// <c>root.key</c>), kept as a fixture with what it returned (Fixtures/pre-hierarchy-install.tar.gz and its
/// legacy-manifest.json: ciphertexts, signatures, MACs, a user's access key), upgraded by this Trent.
/// </summary>
public sealed class PreHierarchyUpgradeTests
{
    private const string Region = "us-east-1"; // where the fixture's keys live, whatever Region the suite runs in

    [Fact]
    public async Task Data_made_before_the_key_hierarchy_is_resealed_once_and_everything_it_returned_still_works()
    {
        var directory = Extract();
        try
        {
            var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "legacy-manifest.json"))).RootElement;
            var admin = manifest.GetProperty("admin");
            Action<TrentServerOptions> legacyAdmin = o =>
            {
                o.Store = null;
                o.Region = Region;
                o.AdminAccessKeyId = admin.GetProperty("accessKeyId").GetString();
                o.AdminSecretAccessKey = admin.GetProperty("secretAccessKey").GetString();
            };

            // Another root of trust cannot do the upgrade, and refusing changes nothing.
            var refused = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(directory, configure: o =>
            {
                legacyAdmin(o);
                o.RootOfTrust = "passphrase";
                o.RootPassphrase = "a passphrase for the tests, not for real keys";
            }));
            Assert.Contains("older Trent", refused.Message, StringComparison.Ordinal);
            Assert.Equal(0x01, FirstBytes(directory).Distinct().Single());

            await using (var trent = await TestTrent.StartAsync(directory, configure: legacyAdmin))
            {
                using var kms = Client(trent, admin, Region);
                using var replicaRegion = Client(trent, admin, "eu-west-1");
                foreach (var entry in manifest.GetProperty("ciphertexts").EnumerateArray())
                {
                    var client = entry.TryGetProperty("region", out var r) && r.GetString() == "eu-west-1" ? replicaRegion : kms;
                    var decrypted = await client.DecryptAsync(new DecryptRequest
                    {
                        CiphertextBlob = new MemoryStream(Bytes(entry, "ciphertext")),
                        EncryptionContext = entry.GetProperty("context").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                    });
                    Assert.Equal(Bytes(entry, "plaintext"), decrypted.Plaintext.ToArray());
                }

                foreach (var entry in manifest.GetProperty("signatures").EnumerateArray())
                {
                    var verified = await kms.VerifyAsync(new VerifyRequest
                    {
                        KeyId = entry.GetProperty("keyId").GetString(),
                        Message = new MemoryStream(Bytes(entry, "message")),
                        Signature = new MemoryStream(Bytes(entry, "signature")),
                        SigningAlgorithm = entry.GetProperty("algorithm").GetString(),
                    });
                    Assert.True(verified.SignatureValid);
                }

                foreach (var entry in manifest.GetProperty("macs").EnumerateArray())
                {
                    var verified = await kms.VerifyMacAsync(new VerifyMacRequest
                    {
                        KeyId = entry.GetProperty("keyId").GetString(),
                        Message = new MemoryStream(Bytes(entry, "message")),
                        Mac = new MemoryStream(Bytes(entry, "mac")),
                        MacAlgorithm = entry.GetProperty("algorithm").GetString(),
                    });
                    Assert.True(verified.MacValid);
                }

                // The user's secret, re-sealed and now bound to its principal's type and unique ID, still works as that user.
                using var asUser = Client(trent, manifest.GetProperty("user"), Region);
                var symmetric = manifest.GetProperty("symmetricKeyId").GetString();
                Assert.Equal(KeyState.Enabled, (await asUser.DescribeKeyAsync(new DescribeKeyRequest { KeyId = symmetric })).KeyMetadata.KeyState);
                var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => asUser.CreateKeyAsync(new CreateKeyRequest()));
                Assert.Equal("AccessDeniedException", denied.ErrorCode);
            }

            // Every value is in the new format; the marker retires the old one; the old trail still verifies
            // with its re-sealed signing key, together with what this start wrote.
            Assert.Equal(0x02, FirstBytes(directory).Distinct().Single());
            Assert.Equal(1L, Scalar(directory, "SELECT count(*) FROM markers WHERE name = 'legacy-sealing-retired'"));
            var verify = await TrentCli.RunAsync(
                ["audit", "verify", "--data", directory, "--public-key", Path.Combine(directory, "audit", "trent-audit-public-key.pem")]);
            Assert.True(verify.Exit == 0, verify.ToString());

            // Now the root key file is only the root of trust: a passphrase root still cannot take its place,
            // and the file alone starts it again.
            await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(directory, configure: o =>
            {
                legacyAdmin(o);
                o.RootOfTrust = "passphrase";
                o.RootPassphrase = "a passphrase for the tests, not for real keys";
            }));
            await using (var again = await TestTrent.StartAsync(directory, configure: legacyAdmin))
            {
                using var kms = Client(again, admin, Region);
                var first = manifest.GetProperty("ciphertexts")[0];
                Assert.Equal(
                    Bytes(first, "plaintext"),
                    (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(Bytes(first, "ciphertext")) })).Plaintext.ToArray());
            }
        }
        finally
        {
            TestTrent.TryDelete(directory);
        }
    }

    private static string Extract()
    {
        var directory = Directory.CreateDirectory(TestTrent.NewDataDirectory()).FullName;
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pre-hierarchy-install.tar.gz");
        using (var archive = new GZipStream(File.OpenRead(fixture), CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(archive, directory, overwriteFiles: false);
        }

        return directory;
    }

    private static AmazonKeyManagementServiceClient Client(TestTrent trent, JsonElement credentials, string region) =>
        new(new BasicAWSCredentials(credentials.GetProperty("accessKeyId").GetString(), credentials.GetProperty("secretAccessKey").GetString()),
            TestTrent.Config(trent.Url, region));

    private static byte[] Bytes(JsonElement entry, string name) => Convert.FromBase64String(entry.GetProperty(name).GetString()!);

    /// <summary>The format byte of every sealed material and access-key secret in the fixture's database.</summary>
    private static List<byte> FirstBytes(string directory)
    {
        var formats = new List<byte>();
        using var connection = Open(directory);
        foreach (var sql in new[] { "SELECT sealed_material FROM key_materials WHERE sealed_material IS NOT NULL", "SELECT sealed_secret FROM access_keys" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                formats.Add(((byte[])reader[0])[0]);
            }
        }

        Assert.True(formats.Count >= 7, $"the fixture holds only {formats.Count} sealed values");
        return formats;
    }

    private static long Scalar(string directory, string sql)
    {
        using var connection = Open(directory);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static SqliteConnection Open(string directory)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "trent.db")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        return connection;
    }
}
