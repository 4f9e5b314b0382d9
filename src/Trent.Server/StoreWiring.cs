using Microsoft.Extensions.DependencyInjection;
using Trent.Domain.Storage;
using Trent.Storage.Postgres;
using Trent.Storage.Sqlite;

namespace Trent.Server;

/// <summary>The store the server keeps keys, aliases, grants and identities in: the data directory's embedded
/// database, or the PostgreSQL database of <see cref="TrentServerOptions.Store"/>.</summary>
internal sealed class StoreWiring : IAsyncDisposable
{
    private readonly Action<IServiceCollection> _register;
    private readonly IAsyncDisposable _database;

    private StoreWiring(
        IAsyncDisposable database, IKeyStore keys, ICredentialStore credentials, IKeyHierarchyStore hierarchy, ICustomKeyStoreStore customKeyStores,
        Action<IServiceCollection> register)
    {
        _database = database;
        Keys = keys;
        Credentials = credentials;
        KeyHierarchy = hierarchy;
        CustomKeyStores = customKeyStores;
        _register = services =>
        {
            // Instances, not types: the key hierarchy is opened (and sealed values upgraded) through them before the container exists.
            services.AddSingleton(keys);
            services.AddSingleton(credentials);
            services.AddSingleton(hierarchy);
            services.AddSingleton(customKeyStores);
            register(services);
        };
    }

    public IKeyStore Keys { get; }

    public ICredentialStore Credentials { get; }

    public IKeyHierarchyStore KeyHierarchy { get; }

    /// <summary>Holds sealed PINs, which the key hierarchy re-seals with the rest.</summary>
    public ICustomKeyStoreStore CustomKeyStores { get; }

    /// <summary>Opens (and creates or migrates) the store; a store that cannot be used stops the start in one line.</summary>
    public static async Task<StoreWiring> OpenAsync(TrentServerOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Store))
        {
            var sqlite = new SqliteDatabase(options.DatabasePath);
            sqlite.Initialize();
            return new StoreWiring(
                new SyncDisposal(sqlite), new SqliteKeyStore(sqlite), new SqliteCredentialStore(sqlite), new SqliteKeyHierarchyStore(sqlite),
                new SqliteCustomKeyStoreStore(sqlite), services =>
                {
                    services.AddSingleton(_ => sqlite); // a factory registration, so the container disposes it
                    services.AddSingleton<IStoreFaults, NoStoreFaults>();
                    services.AddSingleton<IAliasStore, SqliteAliasStore>();
                    services.AddSingleton<IIdentityStore, SqliteIdentityStore>();
                    services.AddSingleton<IGrantStore, SqliteGrantStore>();
                    services.AddSingleton<IJobLeases, SingleProcessJobLeases>();
                    services.AddSingleton<IStateReset, SqliteStateReset>();
                });
        }

        PostgresDatabase postgres;
        try
        {
            postgres = await PostgresDatabase.OpenAsync(options.Store, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresStoreException e)
        {
            throw new StartupException($"--store: {e.Message}", e.InvalidSetting ? StartupFailure.Setting : StartupFailure.Environment);
        }

        return new StoreWiring(
            postgres, new PostgresKeyStore(postgres), new PostgresCredentialStore(postgres), new PostgresKeyHierarchyStore(postgres),
            new PostgresCustomKeyStoreStore(postgres), services =>
            {
                services.AddSingleton(_ => postgres);
                services.AddSingleton(sp => new PostgresChangeListener(sp.GetRequiredService<PostgresDatabase>()));
                services.AddSingleton<IStoreChanges>(sp => sp.GetRequiredService<PostgresChangeListener>());
                services.AddSingleton<IAnnouncementCoverage>(sp => sp.GetRequiredService<PostgresChangeListener>());
                services.AddHostedService<CacheInvalidation>();
                services.AddSingleton<IStoreFaults, PostgresFaults>();
                services.AddSingleton<IAliasStore, PostgresAliasStore>();
                services.AddSingleton<IIdentityStore, PostgresIdentityStore>();
                services.AddSingleton<IGrantStore, PostgresGrantStore>();
                services.AddSingleton<IJobLeases, PostgresJobLeases>();
                services.AddSingleton<IStateReset, PostgresStateReset>();
            });
    }

    public void Register(IServiceCollection services) => _register(services);

    /// <summary>Closes the database when the start fails before the container took it over.</summary>
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private sealed class SyncDisposal(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return default;
        }
    }
}
