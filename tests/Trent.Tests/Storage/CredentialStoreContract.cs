using Trent.Domain.Auth;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="Domain.Storage.ICredentialStore"/> must do, on any database.</summary>
public abstract class CredentialStoreContract : StoreContract
{
    [Fact]
    public async Task Access_keys_are_put_replaced_listed_oldest_first_counted_and_deleted()
    {
        var arn = $"arn:aws:iam::{Account}:user/holder";
        var before = await Stores.Credentials.CountAccessKeysAsync(default);
        var newer = Record("AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant(), arn, Now.AddMinutes(1));
        var older = Record("AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant(), arn, Now);
        await Stores.Credentials.PutAccessKeyAsync(newer, default);
        await Stores.Credentials.PutAccessKeyAsync(older, default);
        await Stores.Credentials.PutAccessKeyAsync(Record("AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant(), arn + "-other", Now), default);

        Assert.Equivalent(newer, await Stores.Credentials.GetAccessKeyAsync(newer.AccessKeyId, default), strict: true);
        Assert.Equal([older.AccessKeyId, newer.AccessKeyId], (await Stores.Credentials.ListAccessKeysAsync(arn, default)).Select(k => k.AccessKeyId));
        Assert.Equal(before + 3, await Stores.Credentials.CountAccessKeysAsync(default));

        var deactivated = newer with { Active = false, SealedSecret = [42] };
        await Stores.Credentials.PutAccessKeyAsync(deactivated, default);
        Assert.Equivalent(deactivated, await Stores.Credentials.GetAccessKeyAsync(newer.AccessKeyId, default), strict: true);
        Assert.Equal(before + 3, await Stores.Credentials.CountAccessKeysAsync(default));

        Assert.True(await Stores.Credentials.DeleteAccessKeyAsync(newer.AccessKeyId, default));
        Assert.False(await Stores.Credentials.DeleteAccessKeyAsync(newer.AccessKeyId, default));
        Assert.Null(await Stores.Credentials.GetAccessKeyAsync(newer.AccessKeyId, default));
    }

    [Fact]
    public async Task Of_racing_first_access_keys_one_is_added_to_an_empty_store_and_none_to_a_store_with_keys()
    {
        var before = await Stores.Credentials.CountAccessKeysAsync(default);
        var racers = Enumerable.Range(0, 6)
            .Select(_ => Record("AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant(), $"arn:aws:iam::{Account}:root", Now))
            .ToArray();
        var added = await Task.WhenAll(racers.Select(r => Task.Run(() => Stores.Credentials.TryAddFirstAccessKeyAsync(r, default))));
        Assert.Equal(before == 0 ? 1 : 0, added.Count(a => a));
        Assert.Equal(Math.Max(before, 1), await Stores.Credentials.CountAccessKeysAsync(default));

        // Never once a key exists.
        Assert.False(await Stores.Credentials.TryAddFirstAccessKeyAsync(Record("AKIAFIRSTNOMORE00001", $"arn:aws:iam::{Account}:root", Now), default));
        Assert.Null(await Stores.Credentials.GetAccessKeyAsync("AKIAFIRSTNOMORE00001", default));
    }

    private AccessKeyRecord Record(string id, string arn, DateTimeOffset created) =>
        new(id, Account, arn, PrincipalType.IAMUser, "AIDAHOLDER", [1, 2, 3, 4], created, true);
}

public sealed class SqliteCredentialStoreTests : CredentialStoreContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCredentialStoreTests(PostgresCluster cluster) : CredentialStoreContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresCredentialStoreTests));
}
