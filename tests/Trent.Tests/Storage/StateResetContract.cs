using Trent.Domain.Auth;
using Trent.Domain.Identity;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="Domain.Storage.IStateReset"/> must do, on any database (the development profile's reset).</summary>
public abstract class StateResetContract : StoreContract
{
    [Fact]
    public async Task A_reset_removes_keys_aliases_grants_and_identities_and_keeps_the_administrator_and_the_key_hierarchy()
    {
        var other = (Account[0] == '1' ? "2" : "1") + Account[1..];
        var keyId = NewKeyId();
        await Stores.Keys.CreateKeyAsync(Key(Account, keyId: keyId), Material(keyId), default);
        await Stores.Keys.CreateKeyAsync(Key(other), null, default);
        await Stores.Aliases.TryCreateAliasAsync(new(Account, "us-east-1", "alias/app", keyId, Now, Now), 50, default);
        Assert.True(await Stores.Grants.TryCreateGrantAsync(Grant(Account, keyId), 100, default));
        Assert.True(await Stores.Identities.TryCreateAccountAsync(new AccountRecord(Account, Now), default));
        Assert.True(await Stores.Identities.TryCreateAccountAsync(new AccountRecord(other, Now), default));
        var userArn = $"arn:aws:iam::{Account}:user/alice";
        Assert.True(await Stores.Identities.TryCreateUserAsync(new UserRecord(Account, "alice", "AIDAALICE", "/", userArn, Now, new Dictionary<string, string>()), default));
        Assert.True(await Stores.Identities.TryCreateRoleAsync(
            new RoleRecord(Account, "app", "AROAAPP", "/", $"arn:aws:iam::{Account}:role/app", Now, "{}", null, 3600, new Dictionary<string, string>()), default));
        await Stores.Identities.PutPolicyAsync(new InlinePolicyRecord(Account, IdentityKind.User, "alice", "p", "{}"), default);
        await Stores.Credentials.PutAccessKeyAsync(AccessKey("test", Account, $"arn:aws:iam::{Account}:root", PrincipalType.Root), default);
        await Stores.Credentials.PutAccessKeyAsync(AccessKey("AKIAALICE", Account, userArn, PrincipalType.IAMUser), default);
        await Stores.Credentials.PutAccessKeyAsync(AccessKey("AKIAOTHER", other, $"arn:aws:iam::{other}:root", PrincipalType.Root), default);
        await Stores.KeyHierarchy.TryAddWrappedKeyAsync(new("domain", 1, [1, 2, 3], Now), default);

        var removed = await Stores.Reset.ResetAsync(Account, "test", default);

        Assert.Equal(new(Keys: 2, Aliases: 1, Grants: 1, Users: 1, Roles: 1, Accounts: 1, AccessKeys: 2), removed);
        Assert.Equal(0, await Stores.Keys.CountKeysAsync(default));
        Assert.Empty(await Stores.Keys.ListMaterialsAsync(keyId, default));
        Assert.Null(await Stores.Aliases.GetAliasAsync(Account, "us-east-1", "alias/app", default));
        Assert.Empty(await Stores.Grants.ListGrantsAsync(Account, "us-east-1", keyId, null, 100, default));
        Assert.Empty(await Stores.Identities.ListUsersAsync(Account, default));
        Assert.Empty(await Stores.Identities.ListRolesAsync(Account, default));
        Assert.Null(await Stores.Identities.GetPolicyAsync(Account, IdentityKind.User, "alice", "p", default));
        Assert.NotNull(await Stores.Identities.GetAccountAsync(Account, default));
        Assert.Null(await Stores.Identities.GetAccountAsync(other, default));
        Assert.Equal(["test"], (await Stores.Credentials.ListAllAccessKeysAsync(null, 10, default)).Select(k => k.AccessKeyId));
        Assert.Single(await Stores.KeyHierarchy.ListWrappedKeysAsync(default));

        // Nothing left to remove: a second reset is harmless.
        Assert.Equal(new(0, 0, 0, 0, 0, 0, 0), await Stores.Reset.ResetAsync(Account, "test", default));
    }

    private static AccessKeyRecord AccessKey(string id, string account, string arn, PrincipalType type) =>
        new(id, account, arn, type, id, [9, 9], Now, Active: true);
}

public sealed class SqliteStateResetTests : StateResetContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStateResetTests(PostgresCluster cluster) : StateResetContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresStateResetTests));
}
