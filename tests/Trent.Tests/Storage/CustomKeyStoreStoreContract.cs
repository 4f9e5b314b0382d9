using Trent.Domain.CustomKeyStores;
using Trent.Domain.Storage;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="ICustomKeyStoreStore"/> must do, on any database.</summary>
public abstract class CustomKeyStoreStoreContract : StoreContract
{
    [Fact]
    public async Task A_store_round_trips_and_is_found_by_ID_or_name_in_its_account_and_Region_only()
    {
        var store = NewStore("one");
        Assert.Equal(CustomKeyStoreWrite.Done, await Stores.CustomKeyStores.TryCreateAsync(store, default));

        Assert.Equal(store, await Stores.CustomKeyStores.GetAsync(Account, "us-east-1", store.CustomKeyStoreId, default));
        Assert.Equal(store, await Stores.CustomKeyStores.GetByNameAsync(Account, "us-east-1", "one", default));
        Assert.Null(await Stores.CustomKeyStores.GetByNameAsync(Account, "us-east-1", "One", default));
        Assert.Null(await Stores.CustomKeyStores.GetAsync(Account, "eu-west-1", store.CustomKeyStoreId, default));
        Assert.Null(await Stores.CustomKeyStores.GetAsync("other-" + Account, "us-east-1", store.CustomKeyStoreId, default));
        Assert.Null(await Stores.CustomKeyStores.GetByNameAsync(Account, "us-east-1", "one\0", default));
    }

    [Fact]
    public async Task A_name_is_unique_per_account_and_Region_and_a_cluster_backs_one_store()
    {
        var store = NewStore("name");
        Assert.Equal(CustomKeyStoreWrite.Done, await Stores.CustomKeyStores.TryCreateAsync(store, default));
        Assert.Equal(CustomKeyStoreWrite.NameTaken, await Stores.CustomKeyStores.TryCreateAsync(NewStore("name"), default));
        // The name is checked first.
        Assert.Equal(CustomKeyStoreWrite.NameTaken, await Stores.CustomKeyStores.TryCreateAsync(NewStore("name") with { CloudHsmClusterId = store.CloudHsmClusterId }, default));
        Assert.Equal(CustomKeyStoreWrite.ClusterInUse, await Stores.CustomKeyStores.TryCreateAsync(NewStore("other") with { CloudHsmClusterId = store.CloudHsmClusterId }, default));
        // Another account or Region may use the name; nobody may use the cluster again.
        Assert.Equal(CustomKeyStoreWrite.Done, await Stores.CustomKeyStores.TryCreateAsync(NewStore("name") with { Region = "eu-west-1" }, default));
        Assert.Equal(CustomKeyStoreWrite.ClusterInUse, await Stores.CustomKeyStores.TryCreateAsync(
            NewStore("x") with { AccountId = "other-" + Account, CloudHsmClusterId = store.CloudHsmClusterId }, default));
    }

    [Fact]
    public async Task Of_concurrent_creates_on_one_cluster_exactly_one_wins()
    {
        var cluster = NewClusterId();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            Stores.CustomKeyStores.TryCreateAsync(NewStore($"race-{i}") with { CloudHsmClusterId = cluster }, default))));
        Assert.Single(results, r => r == CustomKeyStoreWrite.Done);
        Assert.All(results.Where(r => r != CustomKeyStoreWrite.Done), r => Assert.Equal(CustomKeyStoreWrite.ClusterInUse, r));
    }

    [Fact]
    public async Task An_update_applies_only_at_the_expected_row_version_and_keeps_names_and_clusters_unique()
    {
        var store = NewStore("before");
        var neighbour = NewStore("neighbour");
        await Stores.CustomKeyStores.TryCreateAsync(store, default);
        await Stores.CustomKeyStores.TryCreateAsync(neighbour, default);

        var renamed = store with
        {
            CustomKeyStoreName = "after", CloudHsmClusterId = NewClusterId(), SealedPassword = [9, 9], ConnectionState = ConnectionStates.Failed,
            ConnectionErrorCode = "INVALID_CREDENTIALS", RowVersion = 2,
        };
        Assert.Equal(CustomKeyStoreWrite.Done, await Stores.CustomKeyStores.TryUpdateAsync(renamed, 1, default));
        Assert.Equal(renamed, await Stores.CustomKeyStores.GetAsync(Account, "us-east-1", store.CustomKeyStoreId, default));
        Assert.Null(await Stores.CustomKeyStores.GetByNameAsync(Account, "us-east-1", "before", default));

        // A writer that read version 1 lost the race.
        Assert.Equal(CustomKeyStoreWrite.Changed, await Stores.CustomKeyStores.TryUpdateAsync(store with { RowVersion = 2 }, 1, default));
        Assert.Equal(CustomKeyStoreWrite.NameTaken, await Stores.CustomKeyStores.TryUpdateAsync(renamed with { CustomKeyStoreName = "neighbour", RowVersion = 3 }, 2, default));
        Assert.Equal(CustomKeyStoreWrite.ClusterInUse, await Stores.CustomKeyStores.TryUpdateAsync(renamed with { CloudHsmClusterId = neighbour.CloudHsmClusterId, RowVersion = 3 }, 2, default));
        Assert.Equal(renamed, await Stores.CustomKeyStores.GetAsync(Account, "us-east-1", store.CustomKeyStoreId, default));
        Assert.Equal(CustomKeyStoreWrite.Changed, await Stores.CustomKeyStores.TryUpdateAsync(NewStore("ghost") with { RowVersion = 2 }, 1, default));
    }

    [Fact]
    public async Task A_delete_applies_only_at_the_expected_row_version()
    {
        var store = NewStore("gone");
        await Stores.CustomKeyStores.TryCreateAsync(store, default);
        Assert.False(await Stores.CustomKeyStores.TryDeleteAsync(Account, "us-east-1", store.CustomKeyStoreId, 2, default));
        Assert.True(await Stores.CustomKeyStores.TryDeleteAsync(Account, "us-east-1", store.CustomKeyStoreId, 1, default));
        Assert.False(await Stores.CustomKeyStores.TryDeleteAsync(Account, "us-east-1", store.CustomKeyStoreId, 1, default));
        Assert.Null(await Stores.CustomKeyStores.GetAsync(Account, "us-east-1", store.CustomKeyStoreId, default));
        // The cluster and the name are free again.
        Assert.Equal(CustomKeyStoreWrite.Done, await Stores.CustomKeyStores.TryCreateAsync(NewStore("gone") with { CloudHsmClusterId = store.CloudHsmClusterId }, default));
    }

    [Fact]
    public async Task Stores_list_by_ID_page_by_page_and_by_state_across_accounts()
    {
        var created = new List<CustomKeyStoreRecord>();
        for (var i = 0; i < 5; i++)
        {
            var store = NewStore($"list-{i}") with { ConnectionState = i % 2 == 0 ? ConnectionStates.Connected : ConnectionStates.Disconnected };
            await Stores.CustomKeyStores.TryCreateAsync(store, default);
            created.Add(store);
        }

        await Stores.CustomKeyStores.TryCreateAsync(NewStore("elsewhere") with { Region = "eu-west-1" }, default);
        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Stores.CustomKeyStores.ListAsync(Account, "us-east-1", after, 2, default);
            seen.AddRange(page.Select(s => s.CustomKeyStoreId));
            if (page.Count < 2)
            {
                break;
            }

            after = page[^1].CustomKeyStoreId;
        }

        Assert.Equal(created.Select(s => s.CustomKeyStoreId).Order(StringComparer.Ordinal), seen);
        var connected = await Stores.CustomKeyStores.ListInStateAsync(ConnectionStates.Connected, default);
        Assert.Equal(
            created.Where(s => s.ConnectionState == ConnectionStates.Connected).Select(s => s.CustomKeyStoreId).Order(StringComparer.Ordinal),
            connected.Where(s => s.AccountId == Account).Select(s => s.CustomKeyStoreId));
    }

    private CustomKeyStoreRecord NewStore(string name) => new(
        Account, "us-east-1", "cks-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..17], name, NewClusterId(),
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", [1, 2, 3, 4], ConnectionStates.Disconnected, null,
        Now, 1);

    private static string NewClusterId() =>
        "cluster-" + new string(Enumerable.Range(0, 11).Select(_ => "abcdefghijklmnopqrstuvwxyz234567"[Random.Shared.Next(32)]).ToArray());
}

public sealed class SqliteCustomKeyStoreStoreTests : CustomKeyStoreStoreContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCustomKeyStoreStoreTests(PostgresCluster cluster) : CustomKeyStoreStoreContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresCustomKeyStoreStoreTests));
}
