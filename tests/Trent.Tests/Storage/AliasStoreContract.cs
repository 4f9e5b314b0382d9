using Trent.Domain.Aliases;
using Trent.Domain.Storage;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="IAliasStore"/> must do, on any database.</summary>
public abstract class AliasStoreContract : StoreContract
{
    private const int Limit = AliasService.MaxAliasesPerKey;

    [Fact]
    public async Task An_alias_name_is_unique_per_account_and_Region()
    {
        var keyId = NewKeyId();
        var alias = new AliasRecord(Account, "us-east-1", "alias/app", keyId, Now, Now.AddSeconds(1));
        Assert.Equal(AliasCreation.Created, await Stores.Aliases.TryCreateAliasAsync(alias, Limit, default));
        Assert.Equal(AliasCreation.NameTaken, await Stores.Aliases.TryCreateAliasAsync(alias with { TargetKeyId = NewKeyId() }, Limit, default));
        Assert.Equal(AliasCreation.Created, await Stores.Aliases.TryCreateAliasAsync(alias with { Region = "eu-west-1" }, Limit, default));
        Assert.Equal(AliasCreation.Created, await Stores.Aliases.TryCreateAliasAsync(alias with { AccountId = "other-" + Account }, Limit, default));

        Assert.Equal(alias, await Stores.Aliases.GetAliasAsync(Account, "us-east-1", "alias/app", default));
        Assert.Null(await Stores.Aliases.GetAliasAsync(Account, "us-east-1", "alias/App", default));
    }

    [Fact]
    public async Task A_name_holding_U0000_finds_nothing()
    {
        // Names are validated before they are stored; lookups (DescribeKey of an alias) are not, and must not fail.
        await Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", "alias/x", NewKeyId(), Now, Now), Limit, default);
        Assert.Null(await Stores.Aliases.GetAliasAsync(Account, "us-east-1", "alias/x\0", default));
        Assert.False(await Stores.Aliases.TryUpdateAliasAsync(Account, "us-east-1", "alias/x\0", NewKeyId(), Now, default));
        Assert.False(await Stores.Aliases.DeleteAliasAsync(Account, "us-east-1", "alias/x\0", default));
        Assert.Null(await Stores.Credentials.GetAccessKeyAsync("AKIA\0", default));
    }

    [Fact]
    public async Task Of_concurrent_creates_of_one_name_exactly_one_wins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
            Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", "alias/race", NewKeyId(), Now, Now), Limit, default))));
        Assert.Single(results, r => r == AliasCreation.Created);
        Assert.All(results.Where(r => r != AliasCreation.Created), r => Assert.Equal(AliasCreation.NameTaken, r));
    }

    [Fact]
    public async Task Updates_and_deletes_find_the_alias_by_name()
    {
        var alias = new AliasRecord(Account, "us-east-1", "alias/move", NewKeyId(), Now, Now);
        await Stores.Aliases.TryCreateAliasAsync(alias, Limit, default);
        var target = NewKeyId();
        Assert.True(await Stores.Aliases.TryUpdateAliasAsync(Account, "us-east-1", "alias/move", target, Now.AddHours(1), default));
        Assert.False(await Stores.Aliases.TryUpdateAliasAsync(Account, "eu-west-1", "alias/move", target, Now, default));
        Assert.Equal(alias with { TargetKeyId = target, LastUpdatedDate = Now.AddHours(1) }, await Stores.Aliases.GetAliasAsync(Account, "us-east-1", "alias/move", default));

        Assert.True(await Stores.Aliases.DeleteAliasAsync(Account, "us-east-1", "alias/move", default));
        Assert.False(await Stores.Aliases.DeleteAliasAsync(Account, "us-east-1", "alias/move", default));
        Assert.Null(await Stores.Aliases.GetAliasAsync(Account, "us-east-1", "alias/move", default));
    }

    [Fact]
    public async Task Aliases_list_in_code_point_order_page_by_page_optionally_of_one_key()
    {
        var keyA = NewKeyId();
        var keyB = NewKeyId();
        string[] names = ["alias/b", "alias/A", "alias/_x", "alias/a-1", "alias/a", "alias/Z9", "alias/a/b"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            await Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", name, i % 2 == 0 ? keyA : keyB, Now, Now), Limit, default);
        }

        await Stores.Aliases.TryCreateAliasAsync(new(Account, "eu-west-1", "alias/elsewhere", keyA, Now, Now), Limit, default);

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Stores.Aliases.ListAliasesAsync(Account, "us-east-1", null, after, 2, default);
            seen.AddRange(page.Select(a => a.AliasName));
            if (page.Count < 2)
            {
                break;
            }

            after = page[^1].AliasName;
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        var ofA = await Stores.Aliases.ListAliasesAsync(Account, "us-east-1", keyA, null, 100, default);
        Assert.Equal(names.Where((_, i) => i % 2 == 0).Order(StringComparer.Ordinal), ofA.Select(a => a.AliasName));
    }

    [Fact]
    public async Task Concurrent_creates_never_give_a_key_more_aliases_than_the_limit()
    {
        var keyId = NewKeyId();
        for (var i = 0; i < Limit - 10; i++)
        {
            Assert.Equal(AliasCreation.Created, await Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", $"alias/pre-{i}", keyId, Now, Now), Limit, default));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", $"alias/race-{i}", keyId, Now, Now), Limit, default))));

        Assert.Equal(10, results.Count(r => r == AliasCreation.Created));
        Assert.Equal(22, results.Count(r => r == AliasCreation.LimitExceeded));
        Assert.Equal(Limit, (await Stores.Aliases.ListAliasesAsync(Account, "us-east-1", keyId, null, 1000, default)).Count);
        // The limit is the key's, in its Region: another key, or the same key ID elsewhere, still has room.
        Assert.Equal(AliasCreation.Created, await Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", "alias/other-key", NewKeyId(), Now, Now), Limit, default));
        Assert.Equal(AliasCreation.Created, await Stores.Aliases.TryCreateAliasAsync(new(Account, "eu-west-1", "alias/race-0", keyId, Now, Now), Limit, default));
    }
}

public sealed class SqliteAliasStoreTests : AliasStoreContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAliasStoreTests(PostgresCluster cluster) : AliasStoreContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresAliasStoreTests));
}
