using Trent.Domain.Grants;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="Domain.Storage.IGrantStore"/> must do, on any database.</summary>
public abstract class GrantStoreContract : StoreContract
{
    [Fact]
    public async Task A_grant_reads_back_as_written_and_its_ID_is_unique()
    {
        var keyId = NewKeyId();
        var grant = Grant(Account, keyId, "named") with
        {
            GranteePrincipal = null,
            GranteeServicePrincipal = "logs.amazonaws.com",
            RetiringPrincipal = null,
            RetiringServicePrincipal = "logs.amazonaws.com",
            Constraints = new GrantConstraints(null, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, "arn:aws:logs:us-east-1:1:log-group:x"),
        };
        Assert.True(await Stores.Grants.TryCreateGrantAsync(grant, 100, default));
        Assert.Equivalent(grant, await Stores.Grants.GetGrantAsync(grant.GrantId, default), strict: true);

        await Assert.ThrowsAnyAsync<Exception>(() => Stores.Grants.TryCreateGrantAsync(grant with { KeyId = NewKeyId(), Name = "dup" }, 100, default));
        Assert.Equal("named", (await Stores.Grants.GetGrantAsync(grant.GrantId, default))!.Name);
        Assert.True(await Stores.Grants.DeleteGrantAsync(grant.GrantId, default));
        Assert.False(await Stores.Grants.DeleteGrantAsync(grant.GrantId, default));
        Assert.Null(await Stores.Grants.GetGrantAsync(grant.GrantId, default));
    }

    [Fact]
    public async Task A_name_finds_the_keys_oldest_grant_of_that_name()
    {
        var keyId = NewKeyId();
        var older = Grant(Account, keyId, "same");
        var newer = Grant(Account, keyId, "same") with { CreationDate = Now.AddMinutes(1) };
        Assert.True(await Stores.Grants.TryCreateGrantAsync(newer, 100, default));
        Assert.True(await Stores.Grants.TryCreateGrantAsync(older, 100, default));
        Assert.Equal(older.GrantId, (await Stores.Grants.FindByNameAsync(Account, "us-east-1", keyId, "same", default))!.GrantId);
        Assert.Null(await Stores.Grants.FindByNameAsync(Account, "eu-west-1", keyId, "same", default));
        Assert.Null(await Stores.Grants.FindByNameAsync(Account, "us-east-1", keyId, "other", default));
    }

    [Fact]
    public async Task Grants_list_in_grant_ID_order_page_by_page_by_key_grantee_and_retiring_principal()
    {
        var keyId = NewKeyId();
        var retirer = $"arn:aws:iam::{Account}:role/retirer-{Guid.NewGuid():N}";
        var grants = Enumerable.Range(0, 7).Select(i => Grant(Account, keyId) with
        {
            GranteePrincipal = $"arn:aws:iam::{Account}:user/u{i % 3}",
            RetiringPrincipal = i % 2 == 0 ? retirer : null,
        }).ToList();
        foreach (var grant in grants)
        {
            Assert.True(await Stores.Grants.TryCreateGrantAsync(grant, 100, default));
        }

        Assert.True(await Stores.Grants.TryCreateGrantAsync(Grant(Account, NewKeyId()) with { RetiringPrincipal = retirer }, 100, default));

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Stores.Grants.ListGrantsAsync(Account, "us-east-1", keyId, after, 3, default);
            seen.AddRange(page.Select(g => g.GrantId));
            if (page.Count < 3)
            {
                break;
            }

            after = page[^1].GrantId;
        }

        Assert.Equal(grants.Select(g => g.GrantId).Order(StringComparer.Ordinal), seen);

        var forGrantees = await Stores.Grants.ListGrantsForGranteesAsync(
            Account, "us-east-1", keyId, [$"arn:aws:iam::{Account}:user/u0", $"arn:aws:iam::{Account}:user/u2"], default);
        Assert.Equal(grants.Where((_, i) => i % 3 != 1).Select(g => g.GrantId).Order(), forGrantees.Select(g => g.GrantId).Order());
        var forOne = await Stores.Grants.ListGrantsForGranteesAsync(Account, "us-east-1", keyId, [$"arn:aws:iam::{Account}:user/u1"], default);
        Assert.Equal(2, forOne.Count);

        var retirable = await Stores.Grants.ListRetirableGrantsAsync(retirer, null, 100, default);
        Assert.Equal(5, retirable.Count);
        Assert.Equal(retirable.Select(g => g.GrantId).Order(StringComparer.Ordinal), retirable.Select(g => g.GrantId));
        var secondPage = await Stores.Grants.ListRetirableGrantsAsync(retirer, retirable[1].GrantId, 2, default);
        Assert.Equal(retirable.Skip(2).Take(2).Select(g => g.GrantId), secondPage.Select(g => g.GrantId));
    }

    [Fact]
    public async Task Concurrent_creates_never_give_a_key_more_grants_than_the_limit()
    {
        const int limit = 50;
        var keyId = NewKeyId();
        for (var i = 0; i < limit - 10; i++)
        {
            Assert.True(await Stores.Grants.TryCreateGrantAsync(Grant(Account, keyId), limit, default));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
            Stores.Grants.TryCreateGrantAsync(Grant(Account, keyId), limit, default))));

        Assert.Equal(10, results.Count(r => r));
        Assert.Equal(limit, (await Stores.Grants.ListGrantsAsync(Account, "us-east-1", keyId, null, 1000, default)).Count);
        Assert.False(await Stores.Grants.TryCreateGrantAsync(Grant(Account, keyId), limit, default));
        Assert.True(await Stores.Grants.TryCreateGrantAsync(Grant(Account, keyId, region: "eu-west-1"), limit, default));
    }
}

public sealed class SqliteGrantStoreTests : GrantStoreContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrantStoreTests(PostgresCluster cluster) : GrantStoreContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresGrantStoreTests));
}
