using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Api;

public sealed class SymmetricCryptoTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    private async Task<KeyMetadata> NewKey() => (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

    private static MemoryStream Data(byte[] bytes) => new(bytes);

    [Fact]
    public async Task Encrypt_then_Decrypt_returns_the_plaintext_with_or_without_KeyId()
    {
        var key = await NewKey();
        var plaintext = RandomNumberGenerator.GetBytes(4096);
        var context = new Dictionary<string, string> { ["tenant"] = "t1", ["purpose"] = "test", ["ünïcode"] = "välue" };
        var encrypted = await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data(plaintext), EncryptionContext = context });
        Assert.Equal(key.Arn, encrypted.KeyId);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, encrypted.EncryptionAlgorithm);
        Assert.InRange(encrypted.CiphertextBlob.Length, plaintext.Length + 1, 6144);

        // Same context in another order: the context is a set of pairs, not a sequence.
        var reordered = context.Reverse().ToDictionary();
        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(encrypted.CiphertextBlob.ToArray()), EncryptionContext = reordered });
        Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
        Assert.Equal(key.Arn, decrypted.KeyId);
        Assert.Equal(key.CurrentKeyMaterialId, decrypted.KeyMaterialId);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, decrypted.EncryptionAlgorithm);

        var alias = "alias/crypto-" + Guid.NewGuid().ToString("N");
        await _kms.CreateAliasAsync(alias, key.KeyId);
        foreach (var keyId in new[] { key.KeyId, key.Arn, alias })
        {
            var again = await _kms.DecryptAsync(new DecryptRequest
            {
                CiphertextBlob = Data(encrypted.CiphertextBlob.ToArray()), EncryptionContext = context, KeyId = keyId,
                EncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
            });
            Assert.Equal(plaintext, again.Plaintext.ToArray());
        }
    }

    [Fact]
    public async Task Each_encryption_uses_a_fresh_IV()
    {
        var key = await NewKey();
        var a = await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1, 2, 3]) });
        var b = await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1, 2, 3]) });
        Assert.NotEqual(a.CiphertextBlob.ToArray(), b.CiphertextBlob.ToArray());
    }

    [Fact]
    public async Task A_wrong_or_missing_encryption_context_is_InvalidCiphertext()
    {
        var key = await NewKey();
        var blob = (await _kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.KeyId, Plaintext = Data([42]), EncryptionContext = new() { ["tenant"] = "t1" },
        })).CiphertextBlob.ToArray();

        Dictionary<string, string>?[] wrong =
        [
            null,
            new() { ["tenant"] = "t2" },
            new() { ["Tenant"] = "t1" },
            new() { ["tenant"] = "t1", ["extra"] = "x" },
        ];
        foreach (var context in wrong)
        {
            var e = await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob), EncryptionContext = context }));
            Assert.DoesNotContain("t1", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Any_flipped_bit_or_truncation_is_InvalidCiphertext()
    {
        var key = await NewKey();
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1, 2, 3, 4]) })).CiphertextBlob.ToArray();
        var positions = new[] { 0, 1, 5, 17, 18, 21, 22, 30, 34, blob.Length - 17, blob.Length - 1 };
        foreach (var position in positions)
        {
            var tampered = (byte[])blob.Clone();
            tampered[position] ^= 0x01;
            await Assert.ThrowsAnyAsync<Amazon.Runtime.AmazonServiceException>(() => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(tampered) }));
        }

        // Flips in the authenticated body give InvalidCiphertext precisely.
        foreach (var position in new[] { 0, 21, 22, 34, blob.Length - 1 })
        {
            var tampered = (byte[])blob.Clone();
            tampered[position] ^= 0x80;
            await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(tampered) }));
        }

        // A software key's blob relabelled as the PKCS#11 backend's: a key is opened only by its own backend.
        var relabelled = (byte[])blob.Clone();
        relabelled[22] = 0x01;
        await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(relabelled) }));

        await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob[..^1]) }));
        await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data([.. blob, 0]) }));
        await ThrowsAws("InvalidCiphertextException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(RandomNumberGenerator.GetBytes(80)) }));
    }

    [Fact]
    public async Task Decrypt_with_another_KeyId_is_IncorrectKey()
    {
        var key = await NewKey();
        var other = await NewKey();
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([7]) })).CiphertextBlob.ToArray();
        await ThrowsAws("IncorrectKeyException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob), KeyId = other.KeyId }),
            "The key ID in the request does not identify a CMK that can perform this operation.");
    }

    [Fact]
    public async Task Decrypt_refuses_an_asymmetric_algorithm_for_a_symmetric_key()
    {
        var key = await NewKey();
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([7]) })).CiphertextBlob.ToArray();
        await ThrowsAws("InvalidKeyUsageException",
            () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }),
            "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.");
        await ThrowsAws("InvalidKeyUsageException",
            () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([7]), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1 }));
    }

    [Fact]
    public async Task Plaintext_size_is_limited_to_4096_bytes()
    {
        var key = await NewKey();
        await ThrowsAws("ValidationException",
            () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data(new byte[4097]) }),
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
    }

    [Fact]
    public async Task ReEncrypt_moves_a_ciphertext_to_another_key_and_context()
    {
        var source = await NewKey();
        var destination = await NewKey();
        var plaintext = RandomNumberGenerator.GetBytes(100);
        var blob = (await _kms.EncryptAsync(new EncryptRequest
        {
            KeyId = source.KeyId, Plaintext = Data(plaintext), EncryptionContext = new() { ["a"] = "1" },
        })).CiphertextBlob.ToArray();

        var re = await _kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = Data(blob),
            SourceEncryptionContext = new() { ["a"] = "1" },
            DestinationKeyId = destination.Arn,
            DestinationEncryptionContext = new() { ["b"] = "2" },
        });
        Assert.Equal(source.Arn, re.SourceKeyId);
        Assert.Equal(destination.Arn, re.KeyId);
        Assert.Equal(source.CurrentKeyMaterialId, re.SourceKeyMaterialId);
        Assert.Equal(destination.CurrentKeyMaterialId, re.DestinationKeyMaterialId);

        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(re.CiphertextBlob.ToArray()), EncryptionContext = new() { ["b"] = "2" } });
        Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
        Assert.Equal(destination.Arn, decrypted.KeyId);

        await ThrowsAws("InvalidCiphertextException", () => _kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Data(blob), DestinationKeyId = destination.KeyId }));
        await ThrowsAws("IncorrectKeyException", () => _kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = Data(blob), SourceKeyId = destination.KeyId, SourceEncryptionContext = new() { ["a"] = "1" }, DestinationKeyId = destination.KeyId,
        }));
    }

    [Fact]
    public async Task GenerateDataKey_returns_a_key_and_its_ciphertext()
    {
        var key = await NewKey();
        var context = new Dictionary<string, string> { ["file"] = "f1" };
        var aes256 = await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256, EncryptionContext = context });
        Assert.Equal(32, aes256.Plaintext.Length);
        Assert.Equal(key.Arn, aes256.KeyId);
        Assert.Equal(key.CurrentKeyMaterialId, aes256.KeyMaterialId);
        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(aes256.CiphertextBlob.ToArray()), EncryptionContext = context });
        Assert.Equal(aes256.Plaintext.ToArray(), decrypted.Plaintext.ToArray());

        var aes128 = await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_128 });
        Assert.Equal(16, aes128.Plaintext.Length);
        var custom = await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 1024 });
        Assert.Equal(1024, custom.Plaintext.Length);
        Assert.NotEqual(aes256.Plaintext.ToArray(), (await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 })).Plaintext.ToArray());
    }

    [Fact]
    public async Task GenerateDataKey_needs_exactly_one_of_KeySpec_and_NumberOfBytes()
    {
        var key = await NewKey();
        await ThrowsAws("ValidationException", () => _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId }));
        await ThrowsAws("ValidationException", () => _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256, NumberOfBytes = 32 }));
        await ThrowsAws("ValidationException", () => _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = KeyLifecycleTests.Unchecked(1025) }),
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
    }

    [Fact]
    public async Task GenerateDataKeyWithoutPlaintext_returns_only_the_ciphertext()
    {
        var key = await NewKey();
        var result = await _kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        Assert.Equal(key.Arn, result.KeyId);
        var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(result.CiphertextBlob.ToArray()) });
        Assert.Equal(32, decrypted.Plaintext.Length);
    }

    [Fact]
    public async Task GenerateRandom_returns_the_requested_number_of_bytes()
    {
        Assert.Equal(1, (await _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1 })).Plaintext.Length);
        var a = (await _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1024 })).Plaintext.ToArray();
        var b = (await _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1024 })).Plaintext.ToArray();
        Assert.Equal(1024, a.Length);
        Assert.NotEqual(a, b);
        await ThrowsAws("ValidationException", () => _kms.GenerateRandomAsync(new GenerateRandomRequest()), "NumberOfBytes is required.");
        await ThrowsAws("ValidationException", () => _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = KeyLifecycleTests.Unchecked(0) }),
            "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
        await ThrowsAws("ValidationException", () => _kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = KeyLifecycleTests.Unchecked(1025) }),
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
    }

    [Fact]
    public async Task DryRun_checks_everything_but_does_nothing()
    {
        var key = await NewKey();
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1]) })).CiphertextBlob.ToArray();
        await ThrowsAws("DryRunOperationException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob), DryRun = true }));
        await ThrowsAws("DryRunOperationException", () => _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 8, DryRun = true }));
        await ThrowsAws("DryRunOperationException", () => _kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, DryRun = true, DryRunModifiers = ["IGNORE_CIPHERTEXT"] }));
        await ThrowsAws("DryRunOperationException", () => _kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Data(blob), DestinationKeyId = key.KeyId, DryRun = true }));

        // A dry run that would fail reports the real failure.
        await _kms.DisableKeyAsync(key.KeyId);
        await ThrowsAws("DisabledException", () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1]), DryRun = true }));
    }

    [Fact]
    public async Task A_ciphertext_of_a_key_that_is_gone_is_refused_without_naming_it()
    {
        await using var other = await TestTrent.StartAsync();
        using var otherKms = other.Client();
        var foreignKey = (await otherKms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var foreign = (await otherKms.EncryptAsync(new EncryptRequest { KeyId = foreignKey.KeyId, Plaintext = Data([1]) })).CiphertextBlob.ToArray();
        await ThrowsAws("AccessDeniedException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(foreign) }),
            "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.");
    }
}
