using Trent.Domain.Keys;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="Domain.Storage.IKeyStore"/> must do, on any database.</summary>
public abstract class KeyStoreContract : StoreContract
{
    [Fact]
    public async Task A_created_key_and_its_material_read_back_as_written()
    {
        var key = Key(Account) with
        {
            Policy = """{"Version":"2012-10-17","Statement":[]}""",
            DeletionDate = Now.AddDays(7),
            PendingWindowInDays = 7,
            RotationEnabled = true,
            RotationPeriodInDays = 90,
            NextRotationDate = Now.AddDays(90),
            OnDemandRotationCount = 3,
            ExpirationModel = ExpirationModel.KEY_MATERIAL_EXPIRES,
            ValidTo = Now.AddDays(30),
            SettledState = KeyState.Disabled,
        };
        var material = Material(key.KeyId) with { ImportState = ImportState.IMPORTED, ExpirationModel = ExpirationModel.KEY_MATERIAL_EXPIRES, ValidTo = Now.AddDays(30) };
        await Stores.Keys.CreateKeyAsync(key, material, default);

        Assert.Equivalent(key, await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default), strict: true);
        Assert.Equivalent(material, await Stores.Keys.GetMaterialAsync(key.KeyId, 1, default), strict: true);
        Assert.Null(await Stores.Keys.GetKeyAsync(Account, "eu-west-1", key.KeyId, default));
        Assert.Null(await Stores.Keys.GetMaterialAsync(key.KeyId, 2, default));
    }

    [Fact]
    public async Task A_key_on_the_default_policy_reads_back_its_account_default()
    {
        var key = Key(Account);
        await Stores.Keys.CreateKeyAsync(key, null, default);
        var stored = await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default);
        Assert.Equal(key.Policy, stored!.Policy);
        Assert.Empty(await Stores.Keys.ListMaterialsAsync(key.KeyId, default));
    }

    [Fact]
    public async Task A_description_reads_back_exactly_whatever_characters_it_holds()
    {
        // KMS puts no pattern on descriptions: U+0000, control characters and astral characters are kept.
        var key = Key(Account) with { Description = "nul \0 tab \t bell \a emoji \U0001F511 end" };
        await Stores.Keys.CreateKeyAsync(key, null, default);
        Assert.Equal(key.Description, (await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default))!.Description);
        Assert.True(await Stores.Keys.TryUpdateKeyAsync(key with { Description = "\0", RowVersion = 2 }, 1, null, default));
        Assert.Equal("\0", (await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default))!.Description);
    }

    [Fact]
    public async Task A_key_ID_is_unique_in_its_account_and_Region()
    {
        var key = Key(Account);
        await Stores.Keys.CreateKeyAsync(key, Material(key.KeyId), default);
        await Assert.ThrowsAnyAsync<Exception>(() => Stores.Keys.CreateKeyAsync(key with { Description = "second" }, null, default));
        Assert.Equal("contract", (await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default))!.Description);
    }

    [Fact]
    public async Task An_update_needs_the_stored_row_version_and_a_stale_one_changes_nothing()
    {
        var key = Key(Account);
        await Stores.Keys.CreateKeyAsync(key, Material(key.KeyId), default);
        var updated = key with { Description = "updated", RowVersion = 2, CurrentMaterialVersion = 2, CurrentKeyMaterialId = "m2" };
        Assert.True(await Stores.Keys.TryUpdateKeyAsync(updated, 1, [Material(key.KeyId, 1) with { State = KeyMaterialState.NON_CURRENT }, Material(key.KeyId, 2)], default));

        Assert.False(await Stores.Keys.TryUpdateKeyAsync(key with { Description = "stale", RowVersion = 2 }, 1, [Material(key.KeyId, 3)], default));

        Assert.Equivalent(updated, await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default), strict: true);
        var materials = await Stores.Keys.ListMaterialsAsync(key.KeyId, default);
        Assert.Equal([1u, 2u], materials.Select(m => m.Version));
        Assert.Equal(KeyMaterialState.NON_CURRENT, materials[0].State);
    }

    [Fact]
    public async Task Of_concurrent_writers_holding_the_same_row_version_exactly_one_wins()
    {
        var key = Key(Account);
        await Stores.Keys.CreateKeyAsync(key, null, default);
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            Stores.Keys.TryUpdateKeyAsync(key with { Description = $"writer {i}", RowVersion = 2 }, 1, null, default))));
        Assert.Single(results, r => r);
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"writer {winner}", (await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default))!.Description);
    }

    [Fact]
    public async Task On_demand_rotations_never_pass_the_limit_under_concurrent_writers()
    {
        // The domain's check (count below the limit, then write count + 1) holds because the write is optimistic.
        var key = Key(Account);
        await Stores.Keys.CreateKeyAsync(key, null, default);
        var limit = Domain.Rotation.KeyRotationService.MaxOnDemandRotations;
        var rotations = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var current = (await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default))!;
                if (current.OnDemandRotationCount >= limit)
                {
                    return;
                }

                var next = current with { OnDemandRotationCount = current.OnDemandRotationCount + 1, RowVersion = current.RowVersion + 1 };
                if (await Stores.Keys.TryUpdateKeyAsync(next, current.RowVersion, null, default))
                {
                    Interlocked.Increment(ref rotations);
                }
            }
        })));
        Assert.Equal(limit, rotations);
        Assert.Equal(limit, (await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default))!.OnDemandRotationCount);
    }

    [Fact]
    public async Task Keys_list_in_key_ID_order_page_by_page()
    {
        var ids = Enumerable.Range(0, 7).Select(_ => NewKeyId()).ToList();
        await Stores.Keys.CreateKeysAsync([.. ids.Select(id => (Key(Account, keyId: id), (KeyMaterialRecord?)Material(id)))], default);
        await Stores.Keys.CreateKeyAsync(Key(Account, "eu-west-1"), null, default);

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Stores.Keys.ListKeysAsync(Account, "us-east-1", after, 3, default);
            seen.AddRange(page.Select(k => k.KeyId));
            if (page.Count < 3)
            {
                break;
            }

            after = page[^1].KeyId;
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
        Assert.True(await Stores.Keys.CountKeysAsync(default) >= 8);
    }

    [Fact]
    public async Task A_bulk_create_is_one_transaction_however_many_keys()
    {
        var keys = Enumerable.Range(0, 450).Select(_ => Key(Account)).ToList();
        await Stores.Keys.CreateKeysAsync([.. keys.Select(k => (k, (KeyMaterialRecord?)Material(k.KeyId)))], default);
        Assert.Equal(450, (await Stores.Keys.ListKeysAsync(Account, "us-east-1", null, 1000, default)).Count);
        Assert.NotNull(await Stores.Keys.GetMaterialAsync(keys[^1].KeyId, 1, default));

        // A duplicate late in the batch undoes the keys before it.
        var fresh = Enumerable.Range(0, 300).Select(_ => Key(Account, "eu-west-1")).Append(keys[0]).ToList();
        await Assert.ThrowsAnyAsync<Exception>(() => Stores.Keys.CreateKeysAsync([.. fresh.Select(k => (k, (KeyMaterialRecord?)null))], default));
        Assert.Empty(await Stores.Keys.ListKeysAsync(Account, "eu-west-1", null, 1000, default));
    }

    [Fact]
    public async Task A_primary_write_gives_the_replicas_the_shared_properties_in_the_same_transaction()
    {
        var keyId = "mrk-" + Guid.NewGuid().ToString("N");
        var primary = Key(Account, "us-east-1", keyId) with { PrimaryRegion = "us-east-1" };
        var replica = Key(Account, "eu-west-1", keyId) with { PrimaryRegion = "us-east-1", Description = "replica's own" };
        var other = Key(Account, "ap-south-1", keyId) with { PrimaryRegion = "us-east-1" };
        await Stores.Keys.CreateKeysAsync([(primary, Material(keyId)), (replica, null), (other, null)], default);

        var rotated = primary with
        {
            CurrentMaterialVersion = 2, CurrentKeyMaterialId = "m2", MaterialsRevision = 2, RotationEnabled = true, RotationPeriodInDays = 180,
            NextRotationDate = Now.AddDays(180), OnDemandRotationCount = 1, Description = "primary's own", RowVersion = 2,
        };
        Assert.True(await Stores.Keys.TryUpdateKeyAsync(rotated, 1, [Material(keyId, 2)], default));

        var set = await Stores.Keys.ListMultiRegionKeysAsync(Account, keyId, default);
        Assert.Equal(["ap-south-1", "eu-west-1", "us-east-1"], set.Select(k => k.Region));
        foreach (var copy in set.Where(k => k.IsReplica))
        {
            Assert.Equal((2u, "m2", 2L, true, 180, Now.AddDays(180), 1, 2L), (copy.CurrentMaterialVersion, copy.CurrentKeyMaterialId, copy.MaterialsRevision,
                copy.RotationEnabled, copy.RotationPeriodInDays!.Value, copy.NextRotationDate!.Value, copy.OnDemandRotationCount, copy.RowVersion));
        }

        Assert.Equal("replica's own", set.Single(k => k.Region == "eu-west-1").Description);

        // A replica's write is its own; the primary's write that changes nothing shared leaves the replicas' versions.
        var replicaNow = set.Single(k => k.Region == "eu-west-1");
        Assert.True(await Stores.Keys.TryUpdateKeyAsync(replicaNow with { Description = "changed", RowVersion = 3, OnDemandRotationCount = 9 }, 2, null, default));
        Assert.True(await Stores.Keys.TryUpdateKeyAsync(rotated with { Description = "again", RowVersion = 3 }, 2, null, default));
        var after = await Stores.Keys.ListMultiRegionKeysAsync(Account, keyId, default);
        Assert.Equal(2L, after.Single(k => k.Region == "ap-south-1").RowVersion);
        Assert.Equal(1, after.Single(k => k.Region == "us-east-1").OnDemandRotationCount);
        // The replica's shared columns differed from the primary's, so the primary's write made them equal again.
        Assert.Equal((1, 4L), (after.Single(k => k.Region == "eu-west-1").OnDemandRotationCount, after.Single(k => k.Region == "eu-west-1").RowVersion));
    }

    [Fact]
    public async Task Material_emptied_through_one_key_of_a_set_makes_the_others_wait_for_an_import()
    {
        var keyId = "mrk-" + Guid.NewGuid().ToString("N");
        var primary = Key(Account, "us-east-1", keyId) with { PrimaryRegion = "us-east-1", Origin = KeyOrigin.EXTERNAL };
        var replica = Key(Account, "eu-west-1", keyId) with { PrimaryRegion = "us-east-1", Origin = KeyOrigin.EXTERNAL, State = KeyState.Disabled };
        await Stores.Keys.CreateKeysAsync([(primary, Material(keyId)), (replica, null)], default);

        var emptied = Material(keyId) with { SealedMaterial = null, ImportState = ImportState.PENDING_IMPORT };
        Assert.True(await Stores.Keys.TryUpdateKeyAsync(replica with { State = KeyState.PendingImport, RowVersion = 2 }, 1, [emptied], default));

        var set = await Stores.Keys.ListMultiRegionKeysAsync(Account, keyId, default);
        Assert.All(set, k => Assert.Equal(KeyState.PendingImport, k.State));
        Assert.Equal(2L, set.Single(k => k.Region == "us-east-1").RowVersion);
        Assert.Null((await Stores.Keys.GetMaterialAsync(keyId, 1, default))!.SealedMaterial);
    }

    [Fact]
    public async Task Deleting_a_key_needs_its_row_version_takes_its_aliases_and_grants_and_keeps_the_sets_material()
    {
        var keyId = "mrk-" + Guid.NewGuid().ToString("N");
        var primary = Key(Account, "us-east-1", keyId) with { PrimaryRegion = "us-east-1" };
        var replica = Key(Account, "eu-west-1", keyId) with { PrimaryRegion = "us-east-1" };
        await Stores.Keys.CreateKeysAsync([(primary, Material(keyId)), (replica, null)], default);
        await Stores.Aliases.TryCreateAliasAsync(new("" + Account, "eu-west-1", "alias/replica", keyId, Now, Now), 50, default);
        await Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", "alias/primary", keyId, Now, Now), 50, default);
        var grant = Grant(Account, keyId, region: "eu-west-1");
        Assert.True(await Stores.Grants.TryCreateGrantAsync(grant, 10, default));

        Assert.False(await Stores.Keys.TryDeleteKeyAsync(replica with { RowVersion = 7 }, default));
        Assert.True(await Stores.Keys.TryDeleteKeyAsync(replica, default));

        Assert.Null(await Stores.Keys.GetKeyAsync(Account, "eu-west-1", keyId, default));
        Assert.Null(await Stores.Aliases.GetAliasAsync(Account, "eu-west-1", "alias/replica", default));
        Assert.Null(await Stores.Grants.GetGrantAsync(grant.GrantId, default));
        Assert.NotNull(await Stores.Aliases.GetAliasAsync(Account, "us-east-1", "alias/primary", default));
        Assert.NotNull(await Stores.Keys.GetMaterialAsync(keyId, 1, default));

        Assert.True(await Stores.Keys.TryDeleteKeyAsync(primary, default));
        Assert.Null(await Stores.Keys.GetMaterialAsync(keyId, 1, default));
    }

    [Fact]
    public async Task Concurrent_deletions_of_a_whole_set_take_its_material()
    {
        var keyId = "mrk-" + Guid.NewGuid().ToString("N");
        var regions = new[] { "us-east-1", "eu-west-1", "ap-south-1", "us-west-2" };
        var keys = regions.Select(r => Key(Account, r, keyId) with { PrimaryRegion = "us-east-1" }).ToList();
        await Stores.Keys.CreateKeysAsync([.. keys.Select((k, i) => (k, i == 0 ? Material(keyId) : null))], default);

        Assert.All(await Task.WhenAll(keys.Select(k => Task.Run(() => Stores.Keys.TryDeleteKeyAsync(k, default)))), Assert.True);
        Assert.Empty(await Stores.Keys.ListMultiRegionKeysAsync(Account, keyId, default));
        Assert.Empty(await Stores.Keys.ListMaterialsAsync(keyId, default));
    }

    [Fact]
    public async Task Due_lists_find_deletions_rotations_expiries_and_transitions()
    {
        var dueDeletion = Key(Account) with { State = KeyState.PendingDeletion, DeletionDate = Now.AddDays(-1) };
        var laterDeletion = Key(Account) with { State = KeyState.PendingDeletion, DeletionDate = Now.AddDays(1) };
        var dueRotation = Key(Account) with { RotationEnabled = true, NextRotationDate = Now.AddMinutes(-1) };
        var keyId = "mrk-" + Guid.NewGuid().ToString("N");
        var replicaDue = Key(Account, "eu-west-1", keyId) with { RotationEnabled = true, NextRotationDate = Now.AddMinutes(-1), PrimaryRegion = "us-east-1" };
        var expired = Key(Account) with { ValidTo = Now.AddSeconds(-1) };
        var creating = Key(Account) with { State = KeyState.Creating, SettledState = KeyState.Enabled };
        await Stores.Keys.CreateKeysAsync([.. new[] { dueDeletion, laterDeletion, dueRotation, replicaDue, expired, creating }.Select(k => (k, (KeyMaterialRecord?)null))], default);

        var mine = (IReadOnlyList<KeyRecord> keys) => keys.Where(k => k.AccountId == Account).Select(k => k.KeyId).ToList();
        Assert.Equal([dueDeletion.KeyId], mine(await Stores.Keys.ListKeysDueForDeletionAsync(Now, 1000, default)));
        Assert.Equal([dueRotation.KeyId], mine(await Stores.Keys.ListKeysDueForRotationAsync(Now, 1000, default)));
        Assert.Equal([expired.KeyId], mine(await Stores.Keys.ListKeysWithExpiredMaterialAsync(Now, 1000, default)));
        Assert.Equal([creating.KeyId], mine(await Stores.Keys.ListKeysInTransitionAsync(1000, default)));
        await Stores.Keys.PingAsync(default);
    }
}

public sealed class SqliteKeyStoreTests : KeyStoreContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKeyStoreTests(PostgresCluster cluster) : KeyStoreContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresKeyStoreTests));
}
