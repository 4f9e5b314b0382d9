using Trent.Domain.Auth;
using Trent.Domain.Storage;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="IKeyHierarchyStore"/> must do, and the re-sealing pages and compare-and-set
/// replacements of the key and credential stores, on any database.</summary>
public abstract class KeyHierarchyStoreContract : StoreContract
{
    [Fact]
    public async Task Wrapped_key_versions_are_added_once_never_replaced_and_listed_in_order()
    {
        var purpose = "contract-" + Guid.NewGuid().ToString("N"); // tests share a database: a purpose of this test's own
        Assert.True(await Stores.KeyHierarchy.TryAddWrappedKeyAsync(new WrappedKeyRecord(purpose, 2, [2, 2], Now), default));
        Assert.True(await Stores.KeyHierarchy.TryAddWrappedKeyAsync(new WrappedKeyRecord(purpose, 1, [1, 1], Now), default));
        Assert.False(await Stores.KeyHierarchy.TryAddWrappedKeyAsync(new WrappedKeyRecord(purpose, 1, [9, 9], Now.AddDays(1)), default));

        var mine = (await Stores.KeyHierarchy.ListWrappedKeysAsync(default)).Where(k => k.Purpose == purpose).ToList();
        Assert.Equal([1u, 2u], mine.Select(k => k.Version));
        Assert.Equal([1, 1], mine[0].Wrapped);
        Assert.Equal(Now, mine[0].CreatedAt);
    }

    [Fact]
    public async Task Concurrent_adds_of_one_version_have_exactly_one_winner()
    {
        var purpose = "race-" + Guid.NewGuid().ToString("N");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Stores.KeyHierarchy.TryAddWrappedKeyAsync(new WrappedKeyRecord(purpose, 1, [(byte)i], Now), default))));
        Assert.Single(results, won => won);
        Assert.Single(await Stores.KeyHierarchy.ListWrappedKeysAsync(default), k => k.Purpose == purpose);
    }

    [Fact]
    public async Task A_marker_once_set_stays_set()
    {
        var name = "marker-" + Guid.NewGuid().ToString("N");
        Assert.False(await Stores.KeyHierarchy.HasMarkerAsync(name, default));
        await Stores.KeyHierarchy.SetMarkerAsync(name, Now, default);
        await Stores.KeyHierarchy.SetMarkerAsync(name, Now.AddDays(1), default);
        Assert.True(await Stores.KeyHierarchy.HasMarkerAsync(name, default));
    }

    [Fact]
    public async Task Sealed_materials_are_paged_in_key_order_and_replaced_only_while_unchanged()
    {
        var key = Key(Account);
        await Stores.Keys.CreateKeyAsync(key, Material(key.KeyId, 1, [1, 1]), default);
        await Stores.Keys.CreateKeyAsync(Key(Account), null, default);

        var rows = new List<SealedMaterialRow>();
        string? after = null;
        uint afterVersion = 0;
        while (true)
        {
            var page = await Stores.Keys.ListSealedMaterialsAsync(after, afterVersion, 1, default);
            rows.AddRange(page);
            if (page.Count == 0)
            {
                break;
            }

            (after, afterVersion) = (page[^1].KeyId, page[^1].Version);
        }

        Assert.Equal(rows.OrderBy(r => r.KeyId, StringComparer.Ordinal).ThenBy(r => r.Version).Select(r => (r.KeyId, r.Version)), rows.Select(r => (r.KeyId, r.Version)));
        var mine = Assert.Single(rows, r => r.KeyId == key.KeyId);
        Assert.Equal((1u, "m1", "aws", Account, "us-east-1", false), (mine.Version, mine.KeyMaterialId, mine.Partition, mine.AccountId, mine.Region, mine.MultiRegion));
        Assert.Equal([1, 1], mine.SealedMaterial);

        Assert.False(await Stores.Keys.TryReplaceSealedMaterialAsync(key.KeyId, 1, [9, 9], [3, 3], default));
        Assert.True(await Stores.Keys.TryReplaceSealedMaterialAsync(key.KeyId, 1, [1, 1], [2, 2], default));
        Assert.False(await Stores.Keys.TryReplaceSealedMaterialAsync(key.KeyId, 1, [1, 1], [3, 3], default));
        Assert.False(await Stores.Keys.TryReplaceSealedMaterialAsync(key.KeyId, 2, [1, 1], [3, 3], default));
        Assert.Equal([2, 2], (await Stores.Keys.GetMaterialAsync(key.KeyId, 1, default))!.SealedMaterial);
    }

    [Fact]
    public async Task Access_keys_are_paged_by_id_and_their_secrets_replaced_only_while_unchanged()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant()).Order(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            await Stores.Credentials.PutAccessKeyAsync(
                new AccessKeyRecord(id, Account, $"arn:aws:iam::{Account}:root", PrincipalType.Root, Account, [5], Now, true), default);
        }

        var seen = new List<string>();
        string? after = null;
        while ((await Stores.Credentials.ListAllAccessKeysAsync(after, 2, default)) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(k => k.AccessKeyId));
            after = page[^1].AccessKeyId;
        }

        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(ids, seen.Where(ids.Contains));

        Assert.False(await Stores.Credentials.TryReplaceSealedSecretAsync(ids[0], [6], [7], default));
        Assert.True(await Stores.Credentials.TryReplaceSealedSecretAsync(ids[0], [5], [7], default));
        Assert.Equal([7], (await Stores.Credentials.GetAccessKeyAsync(ids[0], default))!.SealedSecret);
        Assert.False(await Stores.Credentials.TryReplaceSealedSecretAsync("AKIAMISSING", [5], [7], default));
    }
}

public sealed class SqliteKeyHierarchyStoreTests : KeyHierarchyStoreContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKeyHierarchyStoreTests(PostgresCluster cluster) : KeyHierarchyStoreContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresKeyHierarchyStoreTests));
}
