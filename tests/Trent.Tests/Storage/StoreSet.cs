using Trent.Domain.Storage;
using Trent.Storage.Postgres;
using Trent.Storage.Sqlite;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Storage;

/// <summary>Every store of one database, the subject of the contract tests.</summary>
public sealed class StoreSet(
    IKeyStore keys, IAliasStore aliases, IGrantStore grants, IIdentityStore identities, ICredentialStore credentials, IKeyHierarchyStore keyHierarchy,
    IStateReset reset, ICustomKeyStoreStore customKeyStores, Func<ValueTask> dispose)
    : IAsyncDisposable
{
    public IKeyStore Keys { get; } = keys;

    public IAliasStore Aliases { get; } = aliases;

    public IGrantStore Grants { get; } = grants;

    public IIdentityStore Identities { get; } = identities;

    public ICredentialStore Credentials { get; } = credentials;

    public IKeyHierarchyStore KeyHierarchy { get; } = keyHierarchy;

    public IStateReset Reset { get; } = reset;

    public ICustomKeyStoreStore CustomKeyStores { get; } = customKeyStores;

    /// <summary>A new embedded database in a file of its own.</summary>
    public static StoreSet Sqlite()
    {
        var directory = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(directory);
        var database = new SqliteDatabase(Path.Combine(directory, "trent.db"));
        database.Initialize();
        return new StoreSet(
            new SqliteKeyStore(database),
            new SqliteAliasStore(database),
            new SqliteGrantStore(database),
            new SqliteIdentityStore(database),
            new SqliteCredentialStore(database),
            new SqliteKeyHierarchyStore(database),
            new SqliteStateReset(database),
            new SqliteCustomKeyStoreStore(database),
            () =>
            {
                database.Dispose();
                TestTrent.TryDelete(directory);
                return ValueTask.CompletedTask;
            });
    }

    /// <summary>The stores on <paramref name="owner"/>'s database of the cluster (made and migrated on first use).</summary>
    public static async Task<StoreSet> PostgresAsync(PostgresCluster cluster, string owner)
    {
        var database = await PostgresDatabase.OpenAsync(await cluster.DatabaseForAsync(owner), CancellationToken.None);
        return new StoreSet(
            new PostgresKeyStore(database),
            new PostgresAliasStore(database),
            new PostgresGrantStore(database),
            new PostgresIdentityStore(database),
            new PostgresCredentialStore(database),
            new PostgresKeyHierarchyStore(database),
            new PostgresStateReset(database),
            new PostgresCustomKeyStoreStore(database),
            database.DisposeAsync);
    }

    public ValueTask DisposeAsync() => dispose();
}

/// <summary>The base of a contract: its tests run on a fresh <see cref="StoreSet"/> of the concrete class's store.</summary>
public abstract class StoreContract : IAsyncLifetime
{
    private StoreSet? _stores;

    protected StoreSet Stores => _stores ?? throw new InvalidOperationException("The stores are not open.");

    /// <summary>An account of the test's own, so that tests sharing a database never see each other's rows.</summary>
    protected string Account { get; } = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected abstract Task<StoreSet> OpenAsync();

    public async Task InitializeAsync() => _stores = await OpenAsync();

    public async Task DisposeAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }
    }
}
