using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Lifecycle;

/// <summary>Bring your own key: material wrapped by openssl or BouncyCastle, imported, used, deleted and re-imported.</summary>
public sealed class ImportTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    private static MemoryStream Data(byte[] bytes) => new(bytes);

    private async Task<KeyMetadata> NewExternalKey() =>
        (await _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata;

    internal static async Task<(byte[] Token, byte[] Wrapped)> WrapAsync(
        AmazonKeyManagementServiceClient kms, string keyId, byte[] material, AlgorithmSpec algorithm, WrappingKeySpec? spec = null)
    {
        var parameters = await kms.GetParametersForImportAsync(new GetParametersForImportRequest
        {
            KeyId = keyId, WrappingAlgorithm = algorithm, WrappingKeySpec = spec ?? WrappingKeySpec.RSA_2048,
        });
        var publicKey = parameters.PublicKey.ToArray();
        byte[] wrapped;
        if (algorithm == AlgorithmSpec.RSAES_OAEP_SHA_256)
        {
            wrapped = await KeyWrapper.WrapWithOpenSslAsync(publicKey, material, "sha256");
        }
        else if (algorithm == AlgorithmSpec.RSAES_OAEP_SHA_1)
        {
            wrapped = await KeyWrapper.WrapWithOpenSslAsync(publicKey, material, "sha1");
        }
        else
        {
            wrapped = KeyWrapper.WrapRsaAes(publicKey, material,
                algorithm == AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
        }

        return (parameters.ImportToken.ToArray(), wrapped);
    }

    [Fact]
    public async Task A_key_for_imported_material_waits_in_PendingImport()
    {
        var key = await NewExternalKey();
        Assert.Equal(KeyState.PendingImport, key.KeyState);
        Assert.False(key.Enabled);
        Assert.Equal(OriginType.EXTERNAL, key.Origin);
        Assert.Null(key.CurrentKeyMaterialId);
        Assert.Null(key.ExpirationModel);
        await ThrowsAws("KMSInvalidStateException", () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1]) }),
            $"{key.Arn} is pending import.");
        await ThrowsAws("KMSInvalidStateException", () => _kms.EnableKeyAsync(key.KeyId), $"{key.Arn} is pending import.");
    }

    [Fact]
    public async Task Only_keys_for_imported_material_take_import_parameters()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("UnsupportedOperationException",
            () => _kms.GetParametersForImportAsync(new GetParametersForImportRequest
            {
                KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048,
            }),
            $"{key.Arn} origin is AWS_KMS which is not valid for this operation.");
        await ThrowsAws("UnsupportedOperationException",
            () => _kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId }),
            $"{key.Arn} origin is AWS_KMS which is not valid for this operation.");
    }

    [Theory]
    [InlineData("RSAES_OAEP_SHA_256", "RSA_2048")]
    [InlineData("RSAES_OAEP_SHA_1", "RSA_3072")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_256", "RSA_2048")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_1", "RSA_4096")]
    public async Task Imported_material_is_the_material_Trent_encrypts_with(string algorithm, string wrappingKeySpec)
    {
        var key = await NewExternalKey();
        var material = RandomNumberGenerator.GetBytes(32);
        var parameters = await _kms.GetParametersForImportAsync(new GetParametersForImportRequest
        {
            KeyId = key.KeyId, WrappingAlgorithm = algorithm, WrappingKeySpec = wrappingKeySpec,
        });
        Assert.Equal(key.Arn, parameters.KeyId);
        Assert.InRange(parameters.ParametersValidTo!.Value.ToUniversalTime(), DateTime.UtcNow.AddHours(23.9), DateTime.UtcNow.AddHours(24.1));
        using (var rsa = RSA.Create())
        {
            rsa.ImportSubjectPublicKeyInfo(parameters.PublicKey.ToArray(), out _);
            Assert.Equal(int.Parse(wrappingKeySpec[4..], System.Globalization.CultureInfo.InvariantCulture), rsa.KeySize);
        }

        var (token, wrapped) = await WrapAsync(_kms, key.KeyId, material, algorithm, wrappingKeySpec);
        var validTo = DateTime.UtcNow.AddDays(30);
        var imported = await _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped), ValidTo = validTo,
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_EXPIRES, KeyMaterialDescription = "from the HSM",
        });
        Assert.Equal(key.Arn, imported.KeyId);
        Assert.Matches("^[0-9a-f]{64}$", imported.KeyMaterialId);

        var described = (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata;
        Assert.Equal(KeyState.Enabled, described.KeyState);
        Assert.Equal(ExpirationModelType.KEY_MATERIAL_EXPIRES, described.ExpirationModel);
        Assert.Equal(validTo, described.ValidTo!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(imported.KeyMaterialId, described.CurrentKeyMaterialId);

        var context = new Dictionary<string, string> { ["purpose"] = "byok" };
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1, 2, 3]), EncryptionContext = context })).CiphertextBlob.ToArray();
        Assert.Equal(new byte[] { 1, 2, 3 }, KeyWrapper.DecryptLocally(material, blob, context));

        // A version 1 blob (what Trent wrote before ciphertext v2) made with the same material still decrypts.
        var old = CiphertextDocument.SealVersion1(material, Trent.Domain.Keys.KeyId.ToReference(key.KeyId), 1, [4, 5, 6], context);
        var opened = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(old), EncryptionContext = context });
        Assert.Equal(new byte[] { 4, 5, 6 }, opened.Plaintext.ToArray());
    }

    [Fact]
    public async Task Deleted_material_makes_the_key_unusable_until_the_same_material_is_imported_again()
    {
        var key = await NewExternalKey();
        var material = RandomNumberGenerator.GetBytes(32);
        var (token, wrapped) = await WrapAsync(_kms, key.KeyId, material, AlgorithmSpec.RSAES_OAEP_SHA_256);
        var imported = await _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        });
        var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([4, 2]) })).CiphertextBlob.ToArray();
        Assert.Null((await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.ValidTo);

        var deleted = await _kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId });
        Assert.Equal(imported.KeyMaterialId, deleted.KeyMaterialId);
        var metadata = (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata;
        Assert.Equal(KeyState.PendingImport, metadata.KeyState);
        Assert.Equal(imported.KeyMaterialId, metadata.CurrentKeyMaterialId);
        await ThrowsAws("KMSInvalidStateException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob) }), $"{key.Arn} is pending import.");

        var other = RandomNumberGenerator.GetBytes(32);
        (token, wrapped) = await WrapAsync(_kms, key.KeyId, other, AlgorithmSpec.RSAES_OAEP_SHA_256);
        await ThrowsAws("IncorrectKeyMaterialException", () => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));

        (token, wrapped) = await WrapAsync(_kms, key.KeyId, material, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256);
        var again = await _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE, ImportType = ImportType.EXISTING_KEY_MATERIAL,
        });
        Assert.Equal(imported.KeyMaterialId, again.KeyMaterialId);
        Assert.Equal(KeyState.Enabled, (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.KeyState);
        Assert.Equal(new byte[] { 4, 2 }, (await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob) })).Plaintext.ToArray());
    }

    [Fact]
    public async Task New_material_waits_for_an_on_demand_rotation_and_old_ciphertexts_keep_decrypting()
    {
        var key = await NewExternalKey();
        var first = RandomNumberGenerator.GetBytes(32);
        var (token, wrapped) = await WrapAsync(_kms, key.KeyId, first, AlgorithmSpec.RSAES_OAEP_SHA_256);
        var firstId = (await _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        })).KeyMaterialId;
        var before = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([1]) })).CiphertextBlob.ToArray();
        await ThrowsAws("KMSInvalidStateException", () => _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }),
            $"No available key material pending rotation for the key: {key.Arn}.");

        var second = RandomNumberGenerator.GetBytes(32);
        (token, wrapped) = await WrapAsync(_kms, key.KeyId, second, AlgorithmSpec.RSAES_OAEP_SHA_256);
        var secondId = (await _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
            ImportType = ImportType.NEW_KEY_MATERIAL,
        })).KeyMaterialId;
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(firstId, (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.CurrentKeyMaterialId);

        var third = RandomNumberGenerator.GetBytes(32);
        (token, wrapped) = await WrapAsync(_kms, key.KeyId, third, AlgorithmSpec.RSAES_OAEP_SHA_256);
        var e = await ThrowsAws("KMSInvalidStateException", () => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
            ImportType = ImportType.NEW_KEY_MATERIAL,
        }));
        Assert.EndsWith($"because another key material (id: {secondId}) is pending rotation.", e.Message, StringComparison.Ordinal);

        var pending = await _kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL });
        Assert.Equal([KeyMaterialState.CURRENT, KeyMaterialState.PENDING_ROTATION], pending.Rotations.Select(r => r.KeyMaterialState));
        Assert.All(pending.Rotations, r => Assert.Equal(ImportState.IMPORTED, r.ImportState));

        await _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        Assert.Equal(secondId, (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.CurrentKeyMaterialId);
        var after = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([2]) })).CiphertextBlob.ToArray();
        Assert.Equal(new byte[] { 2 }, KeyWrapper.DecryptLocally(second, after, null));
        Assert.Equal(new byte[] { 1 }, (await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(before) })).Plaintext.ToArray());
        var rotations = await _kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId });
        var rotation = Assert.Single(rotations.Rotations);
        Assert.Equal(secondId, rotation.KeyMaterialId);
        Assert.Equal(RotationType.ON_DEMAND, rotation.RotationType);
    }

    [Fact]
    public async Task Import_tokens_are_bound_to_their_key_and_checked()
    {
        var key = await NewExternalKey();
        var other = await NewExternalKey();
        var material = RandomNumberGenerator.GetBytes(32);
        var (token, wrapped) = await WrapAsync(_kms, other.KeyId, material, AlgorithmSpec.RSAES_OAEP_SHA_256);
        await ThrowsAws("InvalidImportTokenException", () => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));
        var garbled = (byte[])token.Clone();
        garbled[20] ^= 1;
        await ThrowsAws("InvalidImportTokenException", () => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = other.KeyId, ImportToken = Data(garbled), EncryptedKeyMaterial = Data(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));
        await ThrowsAws("ValidationException", () => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = other.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped),
        }), "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
        var tampered = (byte[])wrapped.Clone();
        tampered[^1] ^= 1;
        await ThrowsAws("InvalidCiphertextException", () => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = other.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(tampered), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));
        var (shortToken, shortWrapped) = await WrapAsync(_kms, other.KeyId, RandomNumberGenerator.GetBytes(16), AlgorithmSpec.RSAES_OAEP_SHA_256);
        await ThrowsAws("IncorrectKeyMaterialException", () => _kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = other.KeyId, ImportToken = Data(shortToken), EncryptedKeyMaterial = Data(shortWrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));
        Assert.Equal(KeyState.PendingImport, (await _kms.DescribeKeyAsync(other.KeyId)).KeyMetadata.KeyState);
        await ThrowsAws("ValidationException", () => _kms.GetParametersForImportAsync(new GetParametersForImportRequest
        {
            KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_PKCS1_V1_5, WrappingKeySpec = WrappingKeySpec.RSA_2048,
        }));
    }

    [Fact]
    public async Task Tokens_expire_after_24_hours_and_material_at_its_ValidTo()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var trent = await TestTrent.StartAsync(clock: clock);
        using var kms = trent.Client();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata;
        var material = RandomNumberGenerator.GetBytes(32);
        var (token, wrapped) = await WrapAsync(kms, key.KeyId, material, AlgorithmSpec.RSAES_OAEP_SHA_256);

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await ThrowsAws("ExpiredImportTokenException", () => kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));

        (token, wrapped) = await WrapAsync(kms, key.KeyId, material, AlgorithmSpec.RSAES_OAEP_SHA_256);
        await kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId, ImportToken = Data(token), EncryptedKeyMaterial = Data(wrapped),
            ValidTo = clock.GetUtcNow().AddDays(2).UtcDateTime, ExpirationModel = ExpirationModelType.KEY_MATERIAL_EXPIRES,
        });
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data([7]) })).CiphertextBlob.ToArray();

        // ValidTo travels as epoch seconds with millisecond precision; step past it by more than the rounding.
        clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromSeconds(1));
        // From ValidTo on the material is unusable, even before the sweep has run on this node.
        await ThrowsAws("KMSInvalidStateException", () => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob) }));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.KeyState != KeyState.PendingImport)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired material was not deleted");
            await Task.Delay(100);
        }

        var metadata = (await kms.DescribeKeyAsync(key.KeyId)).KeyMetadata;
        Assert.Null(metadata.ExpirationModel);
        Assert.Null(metadata.ValidTo);
    }
}
