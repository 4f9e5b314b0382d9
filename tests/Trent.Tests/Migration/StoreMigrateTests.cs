using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Npgsql;
using Trent.Tests.Cli;
using Trent.Tests.Infrastructure;
using Trent.Tests.Lifecycle;

namespace Trent.Tests.Migration;

/// <summary><c>trent store migrate</c>: an embedded installation populated through the API, moved into PostgreSQL,
/// then served from there with the same root of trust: every old ciphertext, signature, MAC and access key works,
/// and everything lists as it did.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreMigrateTests(PostgresCluster cluster)
{
    [Fact]
    public async Task An_embedded_installation_moves_to_PostgreSQL_and_everything_in_it_works_and_lists_the_same()
    {
        var data = TestTrent.NewDataDirectory();
        var target = await cluster.CreateDatabaseAsync();
        try
        {
            Fixture fixture;
            string before;
            await using (var sqlite = await TestTrent.StartAsync(data, configure: o => o.Store = null))
            {
                fixture = await PopulateAsync(sqlite);
                before = await SnapshotAsync(sqlite, fixture);

                // A server holds the data directory: refused, and the target is left empty.
                var locked = await TrentCli.RunAsync("store", "migrate", "--from", data, "--to", target);
                Assert.True(locked.Exit == 3, locked.ToString());
                Assert.StartsWith("trent: ", Assert.Single(locked.StderrLines), StringComparison.Ordinal);
            }

            var migrated = await TrentCli.RunAsync("store", "migrate", "--from", data, "--to", target);
            Assert.True(migrated.Exit == 0, migrated.ToString());
            Assert.Contains("Copied 7 keys", migrated.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', migrated.Stderr); // not a terminal: plain lines only

            // Twice: the target is no longer empty.
            var again = await TrentCli.RunAsync("store", "migrate", "--from", data, "--to", target);
            Assert.True(again.Exit == 1, again.ToString());
            Assert.Matches("^trent: --to: the target database is not empty", Assert.Single(again.StderrLines));
            var audited = AuditFiles.ReadAll(data).Where(r => r.GetProperty("eventName").GetString() == "MigrateStore").ToList();
            Assert.Equal(2, audited.Count);
            var copied = audited.Single(r => !r.TryGetProperty("errorCode", out _));
            Assert.Equal(7, copied.GetProperty("responseElements").GetProperty("keys").GetInt32());
            Assert.Equal("ValidationException", audited.Single(r => r.TryGetProperty("errorCode", out _)).GetProperty("errorCode").GetString());

            await using var postgres = await TestTrent.StartAsync(data, configure: o => o.Store = target);
            Assert.Equal(before, await SnapshotAsync(postgres, fixture));
            await CheckAsync(postgres, fixture);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            TestTrent.TryDelete(data);
        }
    }

    [Fact]
    public async Task A_data_directory_without_an_embedded_database_or_a_bad_connection_string_is_refused_in_one_line()
    {
        var data = TestTrent.NewDataDirectory();
        var missing = await TrentCli.RunAsync("store", "migrate", "--from", data, "--to", await cluster.CreateDatabaseAsync());
        Assert.True(missing.Exit == 2, missing.ToString());
        Assert.StartsWith("trent: --from: there is no embedded database", Assert.Single(missing.StderrLines), StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));

        var bad = await TrentCli.RunAsync("store", "migrate", "--from", data, "--to", "Host=127.0.0.1;Nonsense Keyword=1");
        Assert.True(bad.Exit == 2, bad.ToString());
    }

    private sealed record Fixture(
        string Symmetric, byte[] Ciphertext, byte[] Plaintext,
        string Signing, byte[] Message, byte[] Signature,
        string Mac, byte[] MacValue,
        string Imported, byte[] ImportedCiphertext,
        string MultiRegion, byte[] MultiRegionCiphertext,
        string Doomed,
        string UserName, string UserAccessKeyId, string UserSecret, byte[] UserCiphertext);

    private static async Task<Fixture> PopulateAsync(TestTrent trent)
    {
        var kms = trent.Client();
        var plaintext = RandomNumberGenerator.GetBytes(100);
        var context = new Dictionary<string, string> { ["purpose"] = "migration" };

        var symmetric = (await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Description = "symmetric ✓", Tags = [new Tag { TagKey = "team", TagValue = "blue" }],
        })).KeyMetadata.KeyId;
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = symmetric, RotationPeriodInDays = 90 });
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = symmetric });
        var ciphertext = (await kms.EncryptAsync(new EncryptRequest { KeyId = symmetric, Plaintext = new MemoryStream(plaintext), EncryptionContext = context })).CiphertextBlob.ToArray();
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/migrated", TargetKeyId = symmetric });
        await kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = symmetric, GranteePrincipal = $"arn:aws:iam::{TestTrent.AccountId}:root", Operations = ["Decrypt", "Encrypt"], Name = "migrated-grant",
            Constraints = new GrantConstraints { EncryptionContextSubset = context },
        });

        var signing = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
        var message = Encoding.UTF8.GetBytes("signed before the migration");
        var signature = (await kms.SignAsync(new SignRequest
        {
            KeyId = signing, Message = new MemoryStream(message), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        })).Signature.ToArray();

        var mac = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC })).KeyMetadata.KeyId;
        var macValue = (await kms.GenerateMacAsync(new GenerateMacRequest
        {
            KeyId = mac, Message = new MemoryStream(message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
        })).Mac.ToArray();

        var imported = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
        var material = RandomNumberGenerator.GetBytes(32);
        var (token, wrapped) = await ImportTests.WrapAsync(kms, imported, material, AlgorithmSpec.RSAES_OAEP_SHA_256);
        await kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = imported, ImportToken = new MemoryStream(token), EncryptedKeyMaterial = new MemoryStream(wrapped),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_EXPIRES, ValidTo = DateTime.UtcNow.AddDays(30),
        });
        var importedCiphertext = (await kms.EncryptAsync(new EncryptRequest { KeyId = imported, Plaintext = new MemoryStream(plaintext) })).CiphertextBlob.ToArray();

        var multiRegion = (await kms.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true })).KeyMetadata.KeyId;
        await kms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = multiRegion, ReplicaRegion = TestTrent.OtherRegion });
        // The replica is Creating for a moment; the snapshot must not race its settling (which the migrated store would show done).
        using (var replicaRegion = trent.ClientIn(TestTrent.OtherRegion))
        {
            var settled = DateTime.UtcNow.AddSeconds(30);
            while ((await replicaRegion.DescribeKeyAsync(new DescribeKeyRequest { KeyId = multiRegion })).KeyMetadata.KeyState != KeyState.Enabled)
            {
                Assert.True(DateTime.UtcNow < settled, "the replica did not settle within 30 s");
                await Task.Delay(100);
            }
        }

        var multiRegionCiphertext = (await kms.EncryptAsync(new EncryptRequest { KeyId = multiRegion, Plaintext = new MemoryStream(plaintext) })).CiphertextBlob.ToArray();

        var doomed = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "doomed" })).KeyMetadata.KeyId;
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = doomed, PendingWindowInDays = 7 });

        // A key policy that lets the user in, and the user with an inline policy and an access key.
        using var iam = IamClient.Admin(trent);
        var (userArn, userKeyId, userSecret) = await iam.CreateUserWithKeyAsync(
            "migrated-user", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""");
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest
        {
            KeyId = symmetric,
            Policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{TestTrent.AccountId}}:root"},"Action":"kms:*","Resource":"*"},{"Sid":"user","Effect":"Allow","Principal":{"AWS":"{{userArn}}"},"Action":"kms:*","Resource":"*"}]}""",
        });
        var userCiphertext = (await UserClient(trent, userKeyId, userSecret).EncryptAsync(new EncryptRequest
        {
            KeyId = "alias/migrated", Plaintext = new MemoryStream(plaintext), EncryptionContext = context,
        })).CiphertextBlob.ToArray();

        return new Fixture(
            symmetric, ciphertext, plaintext, signing, message, signature, mac, macValue, imported, importedCiphertext,
            multiRegion, multiRegionCiphertext, doomed, "migrated-user", userKeyId, userSecret, userCiphertext);
    }

    private static async Task CheckAsync(TestTrent trent, Fixture f)
    {
        var kms = trent.Client();
        var context = new Dictionary<string, string> { ["purpose"] = "migration" };
        foreach (var blob in new[] { f.Ciphertext, f.UserCiphertext })
        {
            var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context });
            Assert.Equal(f.Plaintext, decrypted.Plaintext.ToArray());
        }

        foreach (var blob in new[] { f.ImportedCiphertext, f.MultiRegionCiphertext })
        {
            Assert.Equal(f.Plaintext, (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray());
        }

        // The replica decrypts the primary's ciphertext: the set's material came along.
        var replica = trent.ClientIn(TestTrent.OtherRegion);
        Assert.Equal(f.Plaintext, (await replica.DecryptAsync(new DecryptRequest { KeyId = f.MultiRegion, CiphertextBlob = new MemoryStream(f.MultiRegionCiphertext) })).Plaintext.ToArray());

        Assert.True((await kms.VerifyAsync(new VerifyRequest
        {
            KeyId = f.Signing, Message = new MemoryStream(f.Message), Signature = new MemoryStream(f.Signature), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        })).SignatureValid);
        Assert.True((await kms.VerifyMacAsync(new VerifyMacRequest
        {
            KeyId = f.Mac, Message = new MemoryStream(f.Message), Mac = new MemoryStream(f.MacValue), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
        })).MacValid);

        // The user's access key still authenticates (its secret stayed sealed), and new work runs.
        var user = UserClient(trent, f.UserAccessKeyId, f.UserSecret);
        Assert.Equal(f.Plaintext, (await user.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(f.UserCiphertext), EncryptionContext = context })).Plaintext.ToArray());
        var fresh = await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/migrated", Plaintext = new MemoryStream(f.Plaintext), EncryptionContext = context });
        Assert.Equal(f.Plaintext, (await user.DecryptAsync(new DecryptRequest { CiphertextBlob = fresh.CiphertextBlob, EncryptionContext = context })).Plaintext.ToArray());
        var wrongSecret = UserClient(trent, f.UserAccessKeyId, f.UserSecret[..^1] + (f.UserSecret[^1] == 'a' ? 'b' : 'a'));
        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => wrongSecret.ListKeysAsync(new ListKeysRequest()));
        await kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = f.Doomed });
    }

    /// <summary>What the API lists and describes, as text, for both stores to be compared on.</summary>
    private static async Task<string> SnapshotAsync(TestTrent trent, Fixture f)
    {
        var kms = trent.Client();
        var lines = new List<string>();
        foreach (var region in new[] { TestTrent.Region, TestTrent.OtherRegion })
        {
            var client = trent.ClientIn(region);
            var keys = (await client.ListKeysAsync(new ListKeysRequest { Limit = 1000 })).Keys.Select(k => k.KeyId).Order(StringComparer.Ordinal).ToList();
            foreach (var keyId in keys)
            {
                var m = (await client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;
                lines.Add($"{region} {m.Arn} {m.KeyState} {m.KeySpec} {m.KeyUsage} {m.Origin} {m.Description} {m.CreationDate:O} {m.DeletionDate:O} " +
                    $"{m.PendingDeletionWindowInDays} {m.MultiRegion} {m.MultiRegionConfiguration?.PrimaryKey?.Region} {m.ExpirationModel} {m.ValidTo:O} {m.CurrentKeyMaterialId}");
                if (m.KeyState == KeyState.PendingDeletion)
                {
                    continue;
                }

                lines.Add("  policy " + (await client.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = keyId })).Policy);
                lines.AddRange((await client.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keyId })).Tags.Select(t => $"  tag {t.TagKey}={t.TagValue}"));
                lines.AddRange((await client.ListGrantsAsync(new ListGrantsRequest { KeyId = keyId })).Grants.Select(g =>
                    $"  grant {g.GrantId} {g.Name} {g.GranteePrincipal} {string.Join(',', g.Operations)} {g.CreationDate:O} {g.Constraints?.EncryptionContextSubset?.Count}"));
                if (m.KeySpec == KeySpec.SYMMETRIC_DEFAULT && m.Origin == OriginType.AWS_KMS)
                {
                    var rotation = await client.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId });
                    lines.Add($"  rotation {rotation.KeyRotationEnabled} {rotation.RotationPeriodInDays} {rotation.NextRotationDate:O} {rotation.OnDemandRotationStartDate:O}");
                    lines.AddRange((await client.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId })).Rotations.Select(r => $"  rotated {r.KeyMaterialId} {r.RotationDate:O} {r.RotationType}"));
                }
            }

            lines.AddRange((await client.ListAliasesAsync(new ListAliasesRequest { Limit = 100 })).Aliases.Select(a => $"{region} alias {a.AliasName} {a.TargetKeyId} {a.CreationDate:O}"));
        }

        using var iam = IamClient.Admin(trent);
        foreach (var (action, parameters) in new (string, (string, string)[])[]
        {
            ("ListUsers", []),
            ("ListAccessKeys", [("UserName", f.UserName)]),
            ("GetUserPolicy", [("UserName", f.UserName), ("PolicyName", "inline")]),
        })
        {
            // The results, not the response metadata (a request ID of its own each time).
            var result = await iam.CallAsync(action, parameters);
            lines.Add(action + " " + string.Concat(result.Descendants().Where(e => !e.HasElements && e.Name.LocalName != "RequestId").Select(e => $"{e.Name.LocalName}={e.Value};")));
        }
        Assert.Contains(lines, l => l.Contains(f.Doomed, StringComparison.Ordinal) && l.Contains("PendingDeletion", StringComparison.Ordinal));
        return string.Join('\n', lines);
    }

    private static AmazonKeyManagementServiceClient UserClient(TestTrent trent, string accessKeyId, string secret) => trent.Client(accessKeyId, secret);
}
