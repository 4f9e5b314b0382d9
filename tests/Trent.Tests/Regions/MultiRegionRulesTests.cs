using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Regions.MultiRegionFixture;

namespace Trent.Tests.Regions;

/// <summary>Multi-Region rules beyond the happy path: the permissions AWS requires in each Region, the
/// multi-Region condition keys, and replicas of imported keys, which wait for their own import.</summary>
public sealed class MultiRegionRulesTests(SharedTrent shared) : IClassFixture<SharedTrent>, IDisposable
{
    private readonly MultiRegionFixture _mr = new(shared.Trent);

    public void Dispose() => _mr.Dispose();

    private async Task<BasicAWSCredentials> UserAsync(string policy)
    {
        using var iam = IamClient.Admin(shared.Trent);
        var (_, id, secret) = await iam.CreateUserWithKeyAsync("mr-" + Guid.NewGuid().ToString("N")[..12], policy);
        return new BasicAWSCredentials(id, secret);
    }

    private AmazonKeyManagementServiceClient In(string region, AWSCredentials user) =>
        new(user, TestTrent.Config(shared.Trent.Url, region));

    private async Task<AmazonKeyManagementServiceClient> UserInAsync(string region, string policy) =>
        In(region, await UserAsync(policy));

    private static string Allow(string actions, string? condition = null) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[{{actions}}],"Resource":"*"{{(condition is null ? "" : "," + condition)}}}]}""";

    [Fact]
    public async Task ReplicateKey_needs_kms_CreateKey_in_the_replica_Region_too()
    {
        var primary = await _mr.CreatePrimaryAsync();
        using var without = await UserInAsync(PrimaryRegion, Allow("\"kms:ReplicateKey\""));
        var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
            without.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = ReplicaRegion }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        Assert.Contains("kms:CreateKey", denied.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => _mr.DescribeAsync(ReplicaRegion, primary.KeyId));

        using var with = await UserInAsync(PrimaryRegion, Allow("\"kms:ReplicateKey\",\"kms:CreateKey\""));
        var replica = await with.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = ReplicaRegion });
        Assert.Equal(Arn(ReplicaRegion, primary.KeyId), replica.ReplicaKeyMetadata.Arn);
    }

    [Fact]
    public async Task kms_ReplicaRegion_limits_where_a_key_may_be_replicated()
    {
        var primary = await _mr.CreatePrimaryAsync();
        using var user = await UserInAsync(PrimaryRegion, Allow(
            "\"kms:ReplicateKey\",\"kms:CreateKey\"",
            "\"Condition\":{\"StringEqualsIfExists\":{\"kms:ReplicaRegion\":\"" + ReplicaRegion + "\"}}"));

        var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
            user.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = SecondReplicaRegion }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        await user.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = ReplicaRegion });
    }

    [Fact]
    public async Task kms_MultiRegion_and_kms_MultiRegionKeyType_decide_on_the_key_in_hand()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        var single = (await _mr.East.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

        // Encrypt with replicas only (in any Region), and with multi-Region keys only.
        var replicaUser = await UserAsync(Allow("\"kms:Encrypt\"", """
            "Condition":{"StringEquals":{"kms:MultiRegionKeyType":"REPLICA"}}
            """));
        using var replicasOnly = In(ReplicaRegion, replicaUser);
        await replicasOnly.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = new MemoryStream([1]) });
        using var replicasInTheEast = In(PrimaryRegion, replicaUser);
        var primaryDenied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
            replicasInTheEast.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = new MemoryStream([1]) }));
        Assert.Equal("AccessDeniedException", primaryDenied.ErrorCode);

        using var multiOnly = await UserInAsync(PrimaryRegion, Allow("\"kms:Encrypt\"", """
            "Condition":{"Bool":{"kms:MultiRegion":"true"}}
            """));
        await multiOnly.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = new MemoryStream([1]) });
        var singleDenied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
            multiOnly.EncryptAsync(new EncryptRequest { KeyId = single.KeyId, Plaintext = new MemoryStream([1]) }));
        Assert.Equal("AccessDeniedException", singleDenied.ErrorCode);
    }

    [Fact]
    public async Task A_replica_of_an_imported_key_waits_for_its_own_import_of_the_same_material()
    {
        var primary = (await _mr.East.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true, Origin = OriginType.EXTERNAL })).KeyMetadata;
        Assert.Equal(KeyState.PendingImport, primary.KeyState);
        var material = RandomNumberGenerator.GetBytes(32);
        await ImportAsync(_mr.East, primary.KeyId, material);
        Assert.Equal(KeyState.Enabled, (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).KeyState);

        var replicated = await _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = ReplicaRegion });
        Assert.Equal(OriginType.EXTERNAL, replicated.ReplicaKeyMetadata.Origin);
        await _mr.WaitForStateAsync(ReplicaRegion, primary.KeyId, KeyState.PendingImport);
        var pending = await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            _mr.Ireland.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = new MemoryStream([1]) }));
        Assert.Equal($"{Arn(ReplicaRegion, primary.KeyId)} is pending import.", pending.Message);

        // Other material is not the set's: AWS requires the primary's material in every replica.
        var other = await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() =>
            ImportAsync(_mr.Ireland, primary.KeyId, RandomNumberGenerator.GetBytes(32)));
        Assert.NotNull(other.Message);
        await ImportAsync(_mr.Ireland, primary.KeyId, material);
        Assert.Equal(KeyState.Enabled, (await _mr.DescribeAsync(ReplicaRegion, primary.KeyId)).KeyState);

        var blob = (await _mr.East.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = new MemoryStream([7, 8, 9]) })).CiphertextBlob;
        var plain = await _mr.Ireland.DecryptAsync(new DecryptRequest { CiphertextBlob = blob });
        Assert.Equal([7, 8, 9], plain.Plaintext.ToArray());

        // Deleted through the replica, the material is gone for the whole set: no key goes on using it.
        await _mr.Ireland.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = primary.KeyId });
        Assert.Equal(KeyState.PendingImport, (await _mr.DescribeAsync(ReplicaRegion, primary.KeyId)).KeyState);
        Assert.Equal(KeyState.PendingImport, (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).KeyState);
        var gone = await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            _mr.East.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) }));
        Assert.Equal($"{primary.Arn} is pending import.", gone.Message);

        // Each key comes back with its own import.
        await ImportAsync(_mr.East, primary.KeyId, material);
        Assert.Equal(KeyState.Enabled, (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).KeyState);
        Assert.Equal(KeyState.PendingImport, (await _mr.DescribeAsync(ReplicaRegion, primary.KeyId)).KeyState);
        Assert.Equal([7, 8, 9], (await _mr.East.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) })).Plaintext.ToArray());
    }

    private static async Task ImportAsync(AmazonKeyManagementServiceClient client, string keyId, byte[] material)
    {
        var parameters = await client.GetParametersForImportAsync(new GetParametersForImportRequest
        {
            KeyId = keyId,
            WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256,
            WrappingKeySpec = WrappingKeySpec.RSA_2048,
        });
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(parameters.PublicKey.ToArray(), out _);
        await client.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = keyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = new MemoryStream(rsa.Encrypt(material, RSAEncryptionPadding.OaepSHA256)),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        });
    }
}
