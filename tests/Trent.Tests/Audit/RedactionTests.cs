using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Audit.Integrity;
using Trent.Tests.Infrastructure;
using Trent.Tests.Lifecycle;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Audit;

/// <summary>
/// Plaintexts, data keys, random bytes, key material, wrapped material, import tokens and secret access keys
/// never reach the audit trail: every secret this run handles is searched for, in every encoding a record could
/// carry it, in the log files, the digests, the search index and what LookupEvents returns.
/// </summary>
public sealed class RedactionTests
{
    [Fact]
    public async Task No_secret_of_a_run_appears_in_any_audit_record_or_the_index()
    {
        var secrets = new List<(string Name, byte[] Value)>();
        var data = TestTrent.NewDataDirectory();
        await using (var trent = await TestTrent.StartAsync(data))
        {
            using var kms = trent.Client();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "redaction" })).KeyMetadata.KeyId;
            var other = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;

            var plaintext = Secret(secrets, "plaintext", 64);
            var encrypted = await kms.EncryptAsync(new EncryptRequest
            {
                KeyId = key, Plaintext = new MemoryStream(plaintext), EncryptionContext = new() { ["purpose"] = "redaction" },
            });
            secrets.Add(("ciphertext", encrypted.CiphertextBlob.ToArray()));
            var decrypted = await kms.DecryptAsync(new DecryptRequest
            {
                CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = new() { ["purpose"] = "redaction" },
            });
            Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
            var reEncrypted = await kms.ReEncryptAsync(new ReEncryptRequest
            {
                CiphertextBlob = encrypted.CiphertextBlob, SourceEncryptionContext = new() { ["purpose"] = "redaction" }, DestinationKeyId = other,
            });
            secrets.Add(("re-encrypted ciphertext", reEncrypted.CiphertextBlob.ToArray()));

            var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
            secrets.Add(("data key", dataKey.Plaintext.ToArray()));
            secrets.Add(("data key ciphertext", dataKey.CiphertextBlob.ToArray()));
            var withoutPlaintext = await kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key, NumberOfBytes = 48 });
            secrets.Add(("data key ciphertext (no plaintext)", withoutPlaintext.CiphertextBlob.ToArray()));
            var random = await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 64 });
            secrets.Add(("random bytes", random.Plaintext.ToArray()));

            var external = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
            var material = Secret(secrets, "imported key material", 32);
            var (token, wrapped) = await ImportTests.WrapAsync(kms, external, material, AlgorithmSpec.RSAES_OAEP_SHA_256);
            secrets.Add(("import token", token));
            secrets.Add(("wrapped key material", wrapped));
            await kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
            {
                KeyId = external, ImportToken = new MemoryStream(token), EncryptedKeyMaterial = new MemoryStream(wrapped),
                ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
            });

            // Asymmetric, HMAC and key agreement secrets.
            var pair = await kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 });
            secrets.Add(("data key pair private key", pair.PrivateKeyPlaintext.ToArray()));
            secrets.Add(("data key pair private key ciphertext", pair.PrivateKeyCiphertextBlob.ToArray()));
            var macKey = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC })).KeyMetadata.KeyId;
            var macMessage = Secret(secrets, "MAC message", 40);
            var mac = await kms.GenerateMacAsync(new GenerateMacRequest { KeyId = macKey, Message = new MemoryStream(macMessage), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 });
            secrets.Add(("MAC", mac.Mac.ToArray()));
            var agreementKey = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.KEY_AGREEMENT })).KeyMetadata.KeyId;
            using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            var shared = await kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
            {
                KeyId = agreementKey, KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH, PublicKey = new MemoryStream(peer.ExportSubjectPublicKeyInfo()),
            });
            secrets.Add(("ECDH shared secret", shared.SharedSecret.ToArray()));
            var signer = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
            var signed = Secret(secrets, "signed message", 40);
            await kms.SignAsync(new SignRequest
            {
                KeyId = signer, Message = new MemoryStream(signed), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
            });

            // Failed requests carry their parameters into the record too: their secrets must stay out as well.
            var refused = Secret(secrets, "plaintext of a refused request", 48);
            await ThrowsAws("NotFoundException", () => kms.EncryptAsync(new EncryptRequest
            {
                KeyId = Guid.NewGuid().ToString(), Plaintext = new MemoryStream(refused),
            }));
            var tooLong = Secret(secrets, "plaintext over the limit", 4097);
            await ThrowsAws("ValidationException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(tooLong) }));
            using var raw = new RawKmsClient(trent.Url);
            var malformed = Secret(secrets, "plaintext in a malformed body", 32);
            var reply = await raw.SendAsync("TrentService.Encrypt", $$"""{"KeyId":"{{key}}","Plaintext":"{{Convert.ToBase64String(malformed)}}","EncryptionContext":5}""");
            Assert.Equal("SerializationException", reply.ErrorType);
            var unsigned = Secret(secrets, "plaintext under a forged signature", 32);
            reply = await raw.SendAsync("TrentService.Encrypt", $$"""{"KeyId":"{{key}}","Plaintext":"{{Convert.ToBase64String(unsigned)}}"}""", secret: "forged-secret");
            Assert.Equal("InvalidSignatureException", reply.ErrorType);
            secrets.Add(("administrator secret access key", Encoding.UTF8.GetBytes(TestTrent.SecretAccessKey)));
            secrets.Add(("forged secret", Encoding.UTF8.GetBytes("forged-secret")));

            await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
            var everything = await raw.SendAsync("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", """{"MaxResults":50}""", service: "cloudtrail");
            Assert.Equal(200, everything.Status);
            AssertAbsent(secrets, "the LookupEvents response", everything.Body);
            await trent.Server.Services.GetRequiredService<AuditDigestWriter>().WriteDigestAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var records = AuditFiles.ReadAll(data);
        Assert.True(records.Count >= 16, $"only {records.Count} records");
        AssertAbsent(secrets, "the audit log files", AuditFiles.ReadAllText(data));
        foreach (var file in Directory.GetFiles(Path.Combine(data, "audit", "digest")))
        {
            AssertAbsent(secrets, file, await File.ReadAllTextAsync(file));
        }

        foreach (var file in Directory.GetFiles(data, "audit-index.db*"))
        {
            AssertAbsent(secrets, file, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)));
        }

        TestTrent.TryDelete(data);
    }

    private static byte[] Secret(List<(string, byte[])> secrets, string name, int length)
    {
        var value = RandomNumberGenerator.GetBytes(length);
        secrets.Add((name, value));
        return value;
    }

    /// <summary>Base64 (padded and not, standard and URL-safe), hex in both cases, and the raw text of text secrets.</summary>
    private static void AssertAbsent(List<(string Name, byte[] Value)> secrets, string where, string text)
    {
        foreach (var (name, value) in secrets)
        {
            var base64 = Convert.ToBase64String(value);
            var forms = new[]
            {
                base64, base64.TrimEnd('='), base64.Replace('+', '-').Replace('/', '_').TrimEnd('='),
                Convert.ToHexStringLower(value), Convert.ToHexString(value), Encoding.Latin1.GetString(value),
            };
            foreach (var form in forms.Where(f => f.Length >= 8))
            {
                // A long secret's encoding could be split by escaping: its first 24 characters must not appear either.
                Assert.False(text.Contains(form[..Math.Min(form.Length, 24)], StringComparison.Ordinal), $"{name} appears in {where}");
            }
        }
    }
}
