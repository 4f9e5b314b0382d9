using System.Text.RegularExpressions;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;
using static Trent.Tests.Regions.MultiRegionFixture;

namespace Trent.Tests.Regions;

/// <summary>Multi-Region keys: a primary and its replicas in other Regions share key ID and material (and
/// rotation) while policy, tags, description, aliases and state are their own; deletion and the primary Region
/// follow AWS's rules.</summary>
public sealed partial class MultiRegionKeyTests(SharedTrent shared) : IClassFixture<SharedTrent>, IDisposable
{
    private readonly MultiRegionFixture _mr = new(shared.Trent);

    public void Dispose() => _mr.Dispose();

    private static MemoryStream Data(byte[] bytes) => new(bytes);

    [GeneratedRegex("^mrk-[0-9a-f]{32}$")]
    private static partial Regex MrkId();

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task A_multi_Region_key_of_each_type_has_an_mrk_ID_and_is_a_primary_without_replicas(string keySpec, string keyUsage)
    {
        var created = await _mr.CreatePrimaryAsync(keySpec, keyUsage);
        foreach (var key in new[] { created, await _mr.DescribeAsync(PrimaryRegion, created.KeyId) })
        {
            Assert.Matches(MrkId(), key.KeyId);
            Assert.Equal(Arn(PrimaryRegion, created.KeyId), key.Arn);
            Assert.True(key.MultiRegion);
            var config = key.MultiRegionConfiguration;
            Assert.NotNull(config);
            Assert.Equal(MultiRegionKeyType.PRIMARY, config.MultiRegionKeyType);
            Assert.Equal(key.Arn, config.PrimaryKey.Arn);
            Assert.Equal(PrimaryRegion, config.PrimaryKey.Region);
            Assert.NotNull(config.ReplicaKeys);
            Assert.Empty(config.ReplicaKeys);
        }
    }

    [Fact]
    public async Task A_single_Region_key_has_a_UUID_and_no_multi_Region_configuration()
    {
        foreach (var request in new[] { new CreateKeyRequest(), new CreateKeyRequest { MultiRegion = false } })
        {
            var key = (await _mr.East.CreateKeyAsync(request)).KeyMetadata;
            Assert.True(Guid.TryParse(key.KeyId, out _), key.KeyId);
            Assert.False(key.MultiRegion);
            Assert.Null(key.MultiRegionConfiguration);
            Assert.Null((await _mr.DescribeAsync(PrimaryRegion, key.KeyId)).MultiRegionConfiguration);
        }
    }

    [Fact]
    public async Task ReplicateKey_answers_a_Creating_replica_with_the_same_key_ID_the_default_policy_and_the_given_tags()
    {
        var primary = await _mr.CreatePrimaryAsync();
        var replicated = await _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest
        {
            KeyId = primary.Arn,
            ReplicaRegion = ReplicaRegion,
            Description = "the Irish copy",
            Tags = [new Tag { TagKey = "team", TagValue = "dublin" }],
        });

        var replica = replicated.ReplicaKeyMetadata;
        var replicaArn = Arn(ReplicaRegion, primary.KeyId);
        Assert.Equal(primary.KeyId, replica.KeyId);
        Assert.Equal(replicaArn, replica.Arn);
        Assert.Equal(KeyState.Creating, replica.KeyState);
        Assert.False(replica.Enabled);
        Assert.True(replica.MultiRegion);
        Assert.Equal(MultiRegionKeyType.REPLICA, replica.MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal(primary.Arn, replica.MultiRegionConfiguration.PrimaryKey.Arn);
        Assert.Equal(PrimaryRegion, replica.MultiRegionConfiguration.PrimaryKey.Region);
        // The replica gets the default key policy, not a copy of the primary's.
        Assert.Contains($"arn:aws:iam::{TestTrent.AccountId}:root", replicated.ReplicaPolicy, StringComparison.Ordinal);
        Assert.Contains("kms:*", replicated.ReplicaPolicy, StringComparison.Ordinal);
        Assert.Equal(["team=dublin"], replicated.ReplicaTags.Select(t => $"{t.TagKey}={t.TagValue}"));

        await _mr.WaitForStateAsync(ReplicaRegion, primary.KeyId, KeyState.Enabled);
        var described = await _mr.DescribeAsync(ReplicaRegion, primary.KeyId);
        Assert.True(described.Enabled);
        Assert.Equal("the Irish copy", described.Description);
        Assert.Equal(primary.KeySpec, described.KeySpec);
        Assert.Equal(primary.KeyUsage, described.KeyUsage);
        Assert.Equal(replicated.ReplicaPolicy, (await _mr.Ireland.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = primary.KeyId })).Policy);
        var tags = (await _mr.Ireland.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = primary.KeyId })).Tags;
        Assert.Equal(["team=dublin"], tags.Select(t => $"{t.TagKey}={t.TagValue}"));
    }

    [Fact]
    public async Task Every_key_of_the_set_names_the_primary_and_lists_all_the_replicas()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId, ReplicaRegion);
        var id = primary.KeyId;
        Assert.Equal(Listed((ReplicaRegion, id)), Listed((await _mr.DescribeAsync(PrimaryRegion, id)).MultiRegionConfiguration.ReplicaKeys));

        await _mr.ReplicateAsync(primary.Arn, SecondReplicaRegion);
        // AWS lists every replica on every key of the set, the key itself included when it is a replica.
        var replicas = Listed((ReplicaRegion, id), (SecondReplicaRegion, id)).ToList();
        foreach (var (region, type) in new[] { (PrimaryRegion, MultiRegionKeyType.PRIMARY), (ReplicaRegion, MultiRegionKeyType.REPLICA), (SecondReplicaRegion, MultiRegionKeyType.REPLICA) })
        {
            var config = (await _mr.DescribeAsync(region, id)).MultiRegionConfiguration;
            Assert.Equal(type, config.MultiRegionKeyType);
            Assert.Equal(primary.Arn, config.PrimaryKey.Arn);
            Assert.Equal(PrimaryRegion, config.PrimaryKey.Region);
            Assert.Equal(replicas, Listed(config.ReplicaKeys));
        }
    }

    [Fact]
    public async Task Only_a_multi_Region_primary_key_can_be_replicated()
    {
        var single = (await _mr.East.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("UnsupportedOperationException",
            () => _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = single.KeyId, ReplicaRegion = ReplicaRegion }),
            $"{single.Arn} is not a multi-region primary key.");

        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        await ThrowsAws("UnsupportedOperationException",
            () => _mr.Ireland.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = SecondReplicaRegion }),
            $"{Arn(ReplicaRegion, primary.KeyId)} is not a multi-region primary key.");
        await ThrowsAws("NotFoundException", () => _mr.DescribeAsync(SecondReplicaRegion, primary.KeyId));
    }

    [Fact]
    public async Task A_Region_holds_at_most_one_key_of_the_set()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        await ThrowsAws("AlreadyExistsException",
            () => _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = ReplicaRegion }));
        await ThrowsAws("AlreadyExistsException",
            () => _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = PrimaryRegion }));

        var config = (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).MultiRegionConfiguration;
        Assert.Equal(MultiRegionKeyType.PRIMARY, config.MultiRegionKeyType);
        Assert.Equal(Listed((ReplicaRegion, primary.KeyId)), Listed(config.ReplicaKeys));
    }

    [Fact]
    public async Task A_ciphertext_of_either_key_decrypts_with_the_other_in_its_Region()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        var replicaArn = Arn(ReplicaRegion, primary.KeyId);

        var fromPrimary = (await _mr.East.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Data([1, 2, 3]) })).CiphertextBlob.ToArray();
        foreach (var keyId in new[] { null, replicaArn })
        {
            var decrypted = await _mr.Ireland.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(fromPrimary), KeyId = keyId });
            Assert.Equal([1, 2, 3], decrypted.Plaintext.ToArray());
            Assert.Equal(replicaArn, decrypted.KeyId);
        }

        var fromReplica = (await _mr.Ireland.EncryptAsync(new EncryptRequest { KeyId = replicaArn, Plaintext = Data([4, 5]) })).CiphertextBlob.ToArray();
        foreach (var keyId in new[] { null, primary.Arn })
        {
            var decrypted = await _mr.East.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(fromReplica), KeyId = keyId });
            Assert.Equal([4, 5], decrypted.Plaintext.ToArray());
            Assert.Equal(primary.Arn, decrypted.KeyId);
        }
    }

    [Fact]
    public async Task Signatures_and_MACs_of_the_primary_verify_with_the_replica()
    {
        byte[] message = [9, 8, 7];
        var signer = await _mr.CreatePrimaryAsync("ECC_NIST_P256", "SIGN_VERIFY");
        await _mr.ReplicateAsync(signer.KeyId);
        var signature = (await _mr.East.SignAsync(new SignRequest { KeyId = signer.KeyId, Message = Data(message), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature.ToArray();
        var verified = await _mr.Ireland.VerifyAsync(new VerifyRequest
        {
            KeyId = signer.KeyId,
            Message = Data(message),
            Signature = Data(signature),
            SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        });
        Assert.True(verified.SignatureValid);
        var eastPublic = (await _mr.East.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = signer.KeyId })).PublicKey.ToArray();
        var irishPublic = (await _mr.Ireland.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = signer.KeyId })).PublicKey.ToArray();
        Assert.Equal(eastPublic, irishPublic);

        var hmac = await _mr.CreatePrimaryAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        await _mr.ReplicateAsync(hmac.KeyId);
        var mac = (await _mr.East.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac.KeyId, Message = Data(message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 })).Mac.ToArray();
        var macVerified = await _mr.Ireland.VerifyMacAsync(new VerifyMacRequest
        {
            KeyId = hmac.KeyId,
            Message = Data(message),
            Mac = Data(mac),
            MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
        });
        Assert.True(macVerified.MacValid);
    }

    [Fact]
    public async Task An_on_demand_rotation_of_the_primary_reaches_the_replica()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        await _mr.East.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId });

        var rotatedTo = (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).CurrentKeyMaterialId;
        Assert.NotEqual(primary.CurrentKeyMaterialId, rotatedTo);
        await _mr.WaitUntilAsync(
            async () => (await _mr.DescribeAsync(ReplicaRegion, primary.KeyId)).CurrentKeyMaterialId == rotatedTo,
            "the replica to use the rotated material");
        var rotations = (await _mr.Ireland.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = primary.KeyId })).Rotations;
        var rotation = Assert.Single(rotations);
        Assert.Equal(RotationType.ON_DEMAND, rotation.RotationType);
        Assert.Equal(rotatedTo, rotation.KeyMaterialId);

        var fromPrimary = (await _mr.East.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Data([1]) })).CiphertextBlob.ToArray();
        Assert.Equal([1], (await _mr.Ireland.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(fromPrimary) })).Plaintext.ToArray());
        var fromReplica = (await _mr.Ireland.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Data([2]) })).CiphertextBlob.ToArray();
        var decrypted = await _mr.East.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(fromReplica) });
        Assert.Equal([2], decrypted.Plaintext.ToArray());
        Assert.Equal(rotatedTo, decrypted.KeyMaterialId);
    }

    [Fact]
    public async Task Rotation_is_managed_on_the_primary_and_reported_by_the_replica()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        await ThrowsAws("UnsupportedOperationException", () => _mr.Ireland.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = primary.KeyId }));
        await ThrowsAws("UnsupportedOperationException", () => _mr.Ireland.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId }));
        Assert.Empty((await _mr.Ireland.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = primary.KeyId })).Rotations);

        await _mr.East.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = primary.KeyId });
        await _mr.WaitUntilAsync(
            async () => (await _mr.Ireland.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = primary.KeyId })).KeyRotationEnabled == true,
            "the replica to report the primary's rotation setting");
    }

    [Fact]
    public async Task Disabling_the_replica_leaves_the_primary_enabled()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        await _mr.Ireland.DisableKeyAsync(new DisableKeyRequest { KeyId = primary.KeyId });

        Assert.Equal(KeyState.Disabled, (await _mr.DescribeAsync(ReplicaRegion, primary.KeyId)).KeyState);
        Assert.Equal(KeyState.Enabled, (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).KeyState);
        await ThrowsAws("DisabledException",
            () => _mr.Ireland.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Data([1]) }),
            $"{Arn(ReplicaRegion, primary.KeyId)} is disabled.");
        await _mr.East.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Data([1]) });
    }

    [Fact]
    public async Task Description_tags_and_policy_belong_to_each_key_alone()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        var id = primary.KeyId;
        var defaultPolicy = (await _mr.East.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = id })).Policy;

        await _mr.Ireland.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = id, Description = "replica only" });
        Assert.Equal("replica only", (await _mr.DescribeAsync(ReplicaRegion, id)).Description);
        Assert.Equal("", (await _mr.DescribeAsync(PrimaryRegion, id)).Description);

        await _mr.East.TagResourceAsync(new TagResourceRequest { KeyId = id, Tags = [new Tag { TagKey = "side", TagValue = "primary" }] });
        Assert.Equal(["side"], (await _mr.East.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = id })).Tags.Select(t => t.TagKey));
        Assert.Empty((await _mr.Ireland.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = id })).Tags);

        const string policy = """{"Version":"2012-10-17","Statement":[{"Sid":"replica","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""";
        await _mr.Ireland.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = id, Policy = policy });
        Assert.Equal(policy, (await _mr.Ireland.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = id })).Policy);
        Assert.Equal(defaultPolicy, (await _mr.East.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = id })).Policy);
    }

    [Fact]
    public async Task An_alias_names_the_key_of_its_own_Region_only()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        await _mr.Ireland.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/x", TargetKeyId = primary.KeyId });
        await ThrowsAws("NotFoundException", () => _mr.DescribeAsync(PrimaryRegion, "alias/x"));

        await _mr.East.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/x", TargetKeyId = primary.KeyId });
        Assert.Equal(Arn(ReplicaRegion, primary.KeyId), (await _mr.DescribeAsync(ReplicaRegion, "alias/x")).Arn);
        Assert.Equal(primary.Arn, (await _mr.DescribeAsync(PrimaryRegion, "alias/x")).Arn);

        await _mr.East.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/x" });
        var encrypted = await _mr.Ireland.EncryptAsync(new EncryptRequest { KeyId = "alias/x", Plaintext = Data([1]) });
        Assert.Equal(Arn(ReplicaRegion, primary.KeyId), encrypted.KeyId);
        var irish = (await _mr.Ireland.ListAliasesAsync(new ListAliasesRequest { KeyId = primary.KeyId })).Aliases;
        Assert.Equal([$"arn:aws:kms:{ReplicaRegion}:{TestTrent.AccountId}:alias/x"], irish.Select(a => a.AliasArn));
        Assert.Empty((await _mr.East.ListAliasesAsync(new ListAliasesRequest { KeyId = primary.KeyId })).Aliases);
    }

    [Fact]
    public async Task UpdatePrimaryRegion_makes_the_replica_the_primary_and_the_primary_a_replica()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        var id = primary.KeyId;
        var irishArn = Arn(ReplicaRegion, id);

        await _mr.East.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.Arn, PrimaryRegion = ReplicaRegion });
        await _mr.WaitUntilAsync(
            async () => (await _mr.DescribeAsync(PrimaryRegion, id)).KeyState != KeyState.Updating
                && (await _mr.DescribeAsync(ReplicaRegion, id)).KeyState != KeyState.Updating,
            "both keys to leave Updating");

        foreach (var (region, type) in new[] { (ReplicaRegion, MultiRegionKeyType.PRIMARY), (PrimaryRegion, MultiRegionKeyType.REPLICA) })
        {
            var key = await _mr.DescribeAsync(region, id);
            Assert.Equal(KeyState.Enabled, key.KeyState);
            Assert.Equal(type, key.MultiRegionConfiguration.MultiRegionKeyType);
            Assert.Equal(irishArn, key.MultiRegionConfiguration.PrimaryKey.Arn);
            Assert.Equal(ReplicaRegion, key.MultiRegionConfiguration.PrimaryKey.Region);
            Assert.Equal(Listed((PrimaryRegion, id)), Listed(key.MultiRegionConfiguration.ReplicaKeys));
        }

        // The old primary is now a replica and can no longer be replicated.
        await ThrowsAws("UnsupportedOperationException",
            () => _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = id, ReplicaRegion = SecondReplicaRegion }),
            $"{primary.Arn} is not a multi-region primary key.");
    }

    [Fact]
    public async Task UpdatePrimaryRegion_needs_a_primary_and_a_replica_in_the_new_Region()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.ReplicateAsync(primary.KeyId);
        await ThrowsAws("UnsupportedOperationException",
            () => _mr.Ireland.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = PrimaryRegion }));
        await ThrowsAws("NotFoundException",
            () => _mr.East.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.Arn, PrimaryRegion = SecondReplicaRegion }));
        Assert.Equal(MultiRegionKeyType.PRIMARY, (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).MultiRegionConfiguration.MultiRegionKeyType);
    }

    [Fact]
    public async Task A_primary_with_a_replica_waits_for_the_replica_to_go_before_its_own_window_starts()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var trent = await TestTrent.StartAsync(clock: clock);
        using var mr = new MultiRegionFixture(trent);
        var primary = await mr.CreatePrimaryAsync();
        await mr.ReplicateAsync(primary.KeyId);

        var scheduled = await mr.East.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 });
        Assert.Equal(KeyState.PendingReplicaDeletion, scheduled.KeyState);
        Assert.Null(scheduled.DeletionDate);
        Assert.Equal(7, scheduled.PendingWindowInDays);
        var waiting = await mr.DescribeAsync(PrimaryRegion, primary.KeyId);
        Assert.Equal(KeyState.PendingReplicaDeletion, waiting.KeyState);
        Assert.False(waiting.Enabled);
        Assert.Null(waiting.DeletionDate);
        Assert.Equal(7, waiting.PendingDeletionWindowInDays);

        var replicaScheduled = await mr.Ireland.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 });
        Assert.Equal(KeyState.PendingDeletion, replicaScheduled.KeyState);
        Assert.Equal(clock.GetUtcNow().AddDays(7).UtcDateTime, replicaScheduled.DeletionDate!.Value.ToUniversalTime(), TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await mr.WaitUntilGoneAsync(ReplicaRegion, primary.KeyId);
        await mr.WaitForStateAsync(PrimaryRegion, primary.KeyId, KeyState.PendingDeletion);
        var pending = await mr.DescribeAsync(PrimaryRegion, primary.KeyId);
        Assert.Equal(clock.GetUtcNow().AddDays(7).UtcDateTime, pending.DeletionDate!.Value.ToUniversalTime(), TimeSpan.FromDays(1));
        Assert.Empty(pending.MultiRegionConfiguration.ReplicaKeys);

        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await mr.WaitUntilGoneAsync(PrimaryRegion, primary.KeyId);
    }

    [Fact]
    public async Task Deleting_one_replica_leaves_the_primary_and_the_other_replica_working()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var trent = await TestTrent.StartAsync(clock: clock);
        using var mr = new MultiRegionFixture(trent);
        var primary = await mr.CreatePrimaryAsync();
        var id = primary.KeyId;
        await mr.ReplicateAsync(id, ReplicaRegion);
        await mr.ReplicateAsync(id, SecondReplicaRegion);
        var blob = (await mr.East.EncryptAsync(new EncryptRequest { KeyId = id, Plaintext = Data([3, 1, 4]) })).CiphertextBlob.ToArray();

        await mr.Sydney.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = id, PendingWindowInDays = 7 });
        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await mr.WaitUntilGoneAsync(SecondReplicaRegion, id);

        foreach (var region in new[] { PrimaryRegion, ReplicaRegion })
        {
            var key = await mr.DescribeAsync(region, id);
            Assert.Equal(KeyState.Enabled, key.KeyState);
            Assert.Equal(Listed((ReplicaRegion, id)), Listed(key.MultiRegionConfiguration.ReplicaKeys));
            Assert.Equal([3, 1, 4], (await mr.In(region).DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob) })).Plaintext.ToArray());
        }
    }

    [Fact]
    public async Task A_primary_and_its_replica_survive_a_restart()
    {
        var data = TestTrent.NewDataDirectory();
        try
        {
            string id;
            byte[] blob;
            await using (var trent = await TestTrent.StartAsync(data))
            using (var mr = new MultiRegionFixture(trent))
            {
                id = (await mr.CreatePrimaryAsync()).KeyId;
                await mr.ReplicateAsync(id);
                blob = (await mr.East.EncryptAsync(new EncryptRequest { KeyId = id, Plaintext = Data([2, 7]) })).CiphertextBlob.ToArray();
            }

            await using var again = await TestTrent.StartAsync(data);
            using var after = new MultiRegionFixture(again);
            foreach (var (region, type) in new[] { (PrimaryRegion, MultiRegionKeyType.PRIMARY), (ReplicaRegion, MultiRegionKeyType.REPLICA) })
            {
                var key = await after.DescribeAsync(region, id);
                Assert.Equal(KeyState.Enabled, key.KeyState);
                Assert.True(key.MultiRegion);
                Assert.Equal(type, key.MultiRegionConfiguration.MultiRegionKeyType);
                Assert.Equal(Arn(PrimaryRegion, id), key.MultiRegionConfiguration.PrimaryKey.Arn);
                Assert.Equal(PrimaryRegion, key.MultiRegionConfiguration.PrimaryKey.Region);
                Assert.Equal(Listed((ReplicaRegion, id)), Listed(key.MultiRegionConfiguration.ReplicaKeys));
            }

            Assert.Equal([2, 7], (await after.Ireland.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(blob) })).Plaintext.ToArray());
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }
}
