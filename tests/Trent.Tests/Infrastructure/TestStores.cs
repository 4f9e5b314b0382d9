using System.Collections.Concurrent;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// <c>TRENT_TEST_STORE=postgresql</c> runs every in-process test server on PostgreSQL instead of SQLite: one
/// cluster for the run, a database per data directory (a restart on the same directory finds its rows again).
/// Without it the servers use the embedded store, as in production by default.
/// </summary>
internal static class TestStores
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Databases = new(StringComparer.Ordinal);
    private static readonly Lazy<Task<PostgresCluster>> Cluster = new(StartClusterAsync);

    public static bool OnPostgres => Environment.GetEnvironmentVariable("TRENT_TEST_STORE") is "postgresql";

    /// <summary>The connection string of the data directory's database, or null on the embedded store.</summary>
    public static async Task<string?> StoreForAsync(string dataDirectory)
    {
        if (!OnPostgres)
        {
            return null;
        }

        var cluster = await Cluster.Value;
        return await Databases.GetOrAdd(Path.GetFullPath(dataDirectory), _ => new Lazy<Task<string>>(cluster.CreateDatabaseAsync)).Value;
    }

    private static async Task<PostgresCluster> StartClusterAsync()
    {
        var cluster = new PostgresCluster();
        await cluster.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().GetAwaiter().GetResult();
        return cluster;
    }
}
