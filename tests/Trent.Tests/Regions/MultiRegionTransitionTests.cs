using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Regions.MultiRegionFixture;

namespace Trent.Tests.Regions;

/// <summary>AWS's key-state table for the transient multi-Region states, on a server whose replicas stay
/// Creating, and whose sets stay Updating, until the test is done with them.</summary>
public sealed class MultiRegionTransitionTests : IAsyncLifetime
{
    private TestTrent _trent = null!;
    private MultiRegionFixture _mr = null!;

    public async Task InitializeAsync()
    {
        _trent = await TestTrent.StartAsync(configure: o =>
        {
            o.MultiRegionSettleDelay = TimeSpan.FromHours(1);
            o.MaintenanceInterval = TimeSpan.FromHours(1);
        });
        _mr = new MultiRegionFixture(_trent);
    }

    public async Task DisposeAsync()
    {
        _mr.Dispose();
        await _trent.DisposeAsync();
    }

    [Fact]
    public async Task A_creating_replica_refuses_what_AWS_refuses_and_allows_the_rest()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = ReplicaRegion });
        var arn = Arn(ReplicaRegion, primary.KeyId);
        var creating = $"{arn} is creating.";
        var ireland = _mr.Ireland;

        Assert.Equal(creating, (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            ireland.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = new MemoryStream([1]) }))).Message);
        Assert.Equal(creating, (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            ireland.EnableKeyAsync(new EnableKeyRequest { KeyId = primary.KeyId }))).Message);
        Assert.Equal(creating, (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            ireland.DisableKeyAsync(new DisableKeyRequest { KeyId = primary.KeyId }))).Message);
        Assert.Equal(creating, (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            ireland.CreateGrantAsync(new CreateGrantRequest
            {
                KeyId = primary.KeyId,
                GranteePrincipal = $"arn:aws:iam::{TestTrent.AccountId}:root",
                Operations = ["Decrypt"],
            }))).Message);

        // Tags, description, aliases and deletion are allowed while Creating, as AWS's table says.
        await ireland.TagResourceAsync(new TagResourceRequest { KeyId = primary.KeyId, Tags = [new Tag { TagKey = "k", TagValue = "v" }] });
        await ireland.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = primary.KeyId, Description = "soon" });
        await ireland.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/creating-" + Guid.NewGuid().ToString("N")[..8], TargetKeyId = primary.KeyId });
        Assert.Equal(KeyState.Creating, (await _mr.DescribeAsync(ReplicaRegion, primary.KeyId)).KeyState);
        Assert.Equal(creating, (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            _mr.East.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = ReplicaRegion }))).Message);
        var scheduled = await ireland.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 });
        Assert.Equal(KeyState.PendingDeletion, scheduled.KeyState);
    }

    [Fact]
    public async Task An_updating_set_keeps_cryptography_and_refuses_state_changes()
    {
        var primary = await _mr.CreatePrimaryAsync();
        await _mr.East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = ReplicaRegion });

        // The replica is settled by hand here: only the maintenance pass or the (hour-long) delay would do it.
        await SettleAsync();
        await _mr.East.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = ReplicaRegion });
        foreach (var (client, region) in new[] { (_mr.East, PrimaryRegion), (_mr.Ireland, ReplicaRegion) })
        {
            Assert.Equal(KeyState.Updating, (await _mr.DescribeAsync(region, primary.KeyId)).KeyState);
            var blob = (await client.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = new MemoryStream([4, 2]) })).CiphertextBlob;
            Assert.Equal([4, 2], (await client.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext.ToArray());
            var updating = $"{Arn(region, primary.KeyId)} is updating.";
            Assert.Equal(updating, (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
                client.DisableKeyAsync(new DisableKeyRequest { KeyId = primary.KeyId }))).Message);
            Assert.Equal(updating, (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
                client.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 }))).Message);
        }

        Assert.Equal("KMSInvalidStateException", (await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
            _mr.Ireland.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = SecondReplicaRegion }))).ErrorCode);
        await SettleAsync();
        Assert.Equal(MultiRegionKeyType.PRIMARY, (await _mr.DescribeAsync(ReplicaRegion, primary.KeyId)).MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal(KeyState.Enabled, (await _mr.DescribeAsync(PrimaryRegion, primary.KeyId)).KeyState);
    }

    private async Task SettleAsync()
    {
        var service = _trent.Server.Services.GetService(typeof(Trent.Domain.Keys.MultiRegionKeyService)) as Trent.Domain.Keys.MultiRegionKeyService;
        Assert.NotNull(service);
        await service.SettleTransitionsAsync(CancellationToken.None);
    }
}
