using Trent.Domain.Identity;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Storage.StoreRecords;

namespace Trent.Tests.Storage;

/// <summary>What every <see cref="Domain.Storage.IIdentityStore"/> must do, on any database.</summary>
public abstract class IdentityStoreContract : StoreContract
{
    [Fact]
    public async Task An_account_is_created_once()
    {
        Assert.True(await Stores.Identities.TryCreateAccountAsync(new(Account, Now), default));
        Assert.False(await Stores.Identities.TryCreateAccountAsync(new(Account, Now.AddDays(1)), default));
        Assert.Equal(new AccountRecord(Account, Now), await Stores.Identities.GetAccountAsync(Account, default));
        Assert.Null(await Stores.Identities.GetAccountAsync("000000000000", default));
    }

    [Fact]
    public async Task User_and_role_names_are_unique_case_insensitively_and_list_in_order()
    {
        foreach (var name in new[] { "bob", "Alice", "_svc", "carol" })
        {
            Assert.True(await Stores.Identities.TryCreateUserAsync(User(name), default));
        }

        Assert.False(await Stores.Identities.TryCreateUserAsync(User("ALICE"), default));
        Assert.True(await Stores.Identities.TryCreateRoleAsync(Role("Alice"), default)); // users and roles are apart
        Assert.False(await Stores.Identities.TryCreateRoleAsync(Role("alice"), default));
        Assert.True(await Stores.Identities.TryCreateRoleAsync(Role("Builder"), default));

        var alice = await Stores.Identities.GetUserAsync(Account, "aLiCe", default);
        Assert.Equivalent(User("Alice"), alice, strict: true);
        Assert.Equal(["Alice", "bob", "carol", "_svc"], (await Stores.Identities.ListUsersAsync(Account, default)).Select(u => u.UserName));
        Assert.Equal(["Alice", "Builder"], (await Stores.Identities.ListRolesAsync(Account, default)).Select(r => r.RoleName));
        Assert.Equivalent(Role("Builder"), await Stores.Identities.GetRoleAsync(Account, "BUILDER", default), strict: true);
        Assert.Empty(await Stores.Identities.ListUsersAsync("other-" + Account, default));
    }

    [Fact]
    public async Task Of_concurrent_creates_of_one_user_exactly_one_wins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            Stores.Identities.TryCreateUserAsync(User(i % 2 == 0 ? "racer" : "RACER"), default))));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Inline_policies_are_put_replaced_listed_and_deleted()
    {
        await Stores.Identities.PutPolicyAsync(new(Account, IdentityKind.User, "Alice", "b", "{\"v\":1}"), default);
        await Stores.Identities.PutPolicyAsync(new(Account, IdentityKind.User, "alice", "a", "{\"v\":2}"), default);
        await Stores.Identities.PutPolicyAsync(new(Account, IdentityKind.User, "ALICE", "b", "{\"v\":3}"), default);
        await Stores.Identities.PutPolicyAsync(new(Account, IdentityKind.Role, "Alice", "b", "{\"role\":1}"), default);

        Assert.Equal("{\"v\":3}", (await Stores.Identities.GetPolicyAsync(Account, IdentityKind.User, "Alice", "b", default))!.Document);
        Assert.Equal(["a", "b"], (await Stores.Identities.ListPoliciesAsync(Account, IdentityKind.User, "Alice", default)).Select(p => p.PolicyName));
        Assert.True(await Stores.Identities.DeletePolicyAsync(Account, IdentityKind.User, "alice", "b", default));
        Assert.False(await Stores.Identities.DeletePolicyAsync(Account, IdentityKind.User, "alice", "b", default));
        Assert.Null(await Stores.Identities.GetPolicyAsync(Account, IdentityKind.User, "Alice", "b", default));
        Assert.NotNull(await Stores.Identities.GetPolicyAsync(Account, IdentityKind.Role, "Alice", "b", default));
    }

    [Fact]
    public async Task Deleting_a_user_rewrites_every_policy_and_grant_that_names_it_in_the_same_transaction()
    {
        var user = User("leaver");
        Assert.True(await Stores.Identities.TryCreateUserAsync(user, default));
        var policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{user.Arn}}"},"Action":"kms:*","Resource":"*"}]}""";
        var key = Key(Account) with { Policy = policy };
        var untouched = Key(Account) with { Policy = """{"Version":"2012-10-17","Statement":[]}""" };
        await Stores.Keys.CreateKeysAsync([(key, null), (untouched, null)], default);
        var role = Role("trusting") with { AssumeRolePolicyDocument = policy.Replace("kms:*", "sts:AssumeRole", StringComparison.Ordinal) };
        Assert.True(await Stores.Identities.TryCreateRoleAsync(role, default));
        var grant = Grant(Account, key.KeyId) with { GranteePrincipal = user.Arn, RetiringPrincipal = user.Arn };
        Assert.True(await Stores.Grants.TryCreateGrantAsync(grant, 100, default));

        var deletion = await Stores.Identities.DeleteUserAsync(Account, "LEAVER", default);

        Assert.NotNull(deletion);
        Assert.Equal((user.Arn, user.UserId), (deletion.Arn, deletion.UniqueId));
        Assert.Equal([(Account, key.Region, key.KeyId)], deletion.RewrittenKeys);
        var rewritten = (await Stores.Keys.GetKeyAsync(Account, key.Region, key.KeyId, default))!;
        Assert.Contains(user.UserId, rewritten.Policy, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Arn, rewritten.Policy, StringComparison.Ordinal);
        Assert.Equal(key.RowVersion + 1, rewritten.RowVersion);
        Assert.Equal(untouched.RowVersion, (await Stores.Keys.GetKeyAsync(Account, untouched.Region, untouched.KeyId, default))!.RowVersion);
        Assert.DoesNotContain(user.Arn, (await Stores.Identities.GetRoleAsync(Account, "trusting", default))!.AssumeRolePolicyDocument, StringComparison.Ordinal);
        var storedGrant = (await Stores.Grants.GetGrantAsync(grant.GrantId, default))!;
        Assert.Equal((user.UserId, user.UserId), (storedGrant.GranteePrincipal, storedGrant.RetiringPrincipal));
        Assert.Null(await Stores.Identities.GetUserAsync(Account, "leaver", default));
        Assert.Null(await Stores.Identities.DeleteUserAsync(Account, "leaver", default));
    }

    [Fact]
    public async Task Deleting_a_role_returns_its_ARN_and_ID()
    {
        var role = Role("gone");
        Assert.True(await Stores.Identities.TryCreateRoleAsync(role, default));
        var deletion = await Stores.Identities.DeleteRoleAsync(Account, "Gone", default);
        Assert.Equal((role.Arn, role.RoleId), (deletion!.Arn, deletion.UniqueId));
        Assert.Empty(deletion.RewrittenKeys);
        Assert.Null(await Stores.Identities.GetRoleAsync(Account, "gone", default));
        Assert.Null(await Stores.Identities.DeleteRoleAsync(Account, "gone", default));
    }

    private UserRecord User(string name) =>
        new(Account, name, "AIDA" + name.ToUpperInvariant(), "/", $"arn:aws:iam::{Account}:user/{name}", Now, new Dictionary<string, string> { ["dept"] = "ops" });

    private RoleRecord Role(string name) =>
        new(Account, name, "AROA" + name.ToUpperInvariant(), "/svc/", $"arn:aws:iam::{Account}:role/svc/{name}", Now,
            """{"Version":"2012-10-17","Statement":[]}""", name == "Builder" ? null : "a role", 3600, new Dictionary<string, string>());
}

public sealed class SqliteIdentityStoreTests : IdentityStoreContract
{
    protected override Task<StoreSet> OpenAsync() => Task.FromResult(StoreSet.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresIdentityStoreTests(PostgresCluster cluster) : IdentityStoreContract
{
    protected override Task<StoreSet> OpenAsync() => StoreSet.PostgresAsync(cluster, nameof(PostgresIdentityStoreTests));
}
