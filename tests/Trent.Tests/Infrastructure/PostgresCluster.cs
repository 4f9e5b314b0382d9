using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster for one test run: Debian's server binaries, initdb into a temporary directory
/// as an unprivileged user (a system user <c>trent-pg</c>, made when running as root; else the current user), a
/// free loopback port, the socket in the same directory, fsync on (durability is what is under test). Stopped and
/// removed at the end. Each test class asks for its own database, so classes never see each other's rows.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    internal const string SystemUser = "trent-pg";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trent-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _databases = new(StringComparer.Ordinal);
    private string _bin = string.Empty;
    private string? _runAs;
    private bool _started;

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        RemoveAbandonedClusters();
        Directory.CreateDirectory(_root);
        if (Environment.IsPrivilegedProcess)
        {
            // initdb and postgres refuse to run as root.
            EnsureSystemUser();
            _runAs = SystemUser;
            Run("chown", [SystemUser, _root]);
        }

        Run(Path.Combine(_bin, "initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], _runAs);
        Port = FreePort();
        var settings = string.Join(' ', [
            $"-c port={Port}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={_root}",
            "-c fsync=on",
            "-c max_connections=300",
        ]);
        Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", settings, "start"], _runAs);
        _started = true;
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
    }

    /// <summary>A connection string to <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=40;Timeout=30";

    /// <summary>The connection string of a database of the caller's own, made on first use for <paramref name="owner"/>.</summary>
    public Task<string> DatabaseForAsync(string owner) =>
        _databases.GetOrAdd(owner, _ => new Lazy<Task<string>>(CreateDatabaseAsync)).Value;

    /// <summary>A new, empty database with a random name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "trent_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], _runAs);
        }

        TestTrent.TryDelete(_root);
        return Task.CompletedTask;
    }

    /// <summary>Clusters of earlier runs that ended before their cleanup (a killed test host): no live postmaster.</summary>
    internal static void RemoveAbandonedClusters()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), "trent-pg-*"))
        {
            var pidFile = Path.Combine(directory, "data", "postmaster.pid");
            var alive = File.Exists(pidFile)
                && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
                && Directory.Exists($"/proc/{pid}");
            // A directory younger than a minute may be a concurrent run's, still in initdb.
            if (!alive && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddMinutes(-1))
            {
                TestTrent.TryDelete(directory);
            }
        }
    }

    internal static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        return versions
            .Select(v => Path.Combine(v, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .FirstOrDefault()
            ?? throw new InvalidOperationException(
                "The PostgreSQL tests need Debian's server binaries (/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql.");
    }

    internal static void EnsureSystemUser()
    {
        if (Run("id", ["-u", SystemUser], check: false) != 0)
        {
            // Two test processes may race to make it; the loser finds it made.
            if (Run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SystemUser], check: false) != 0
                && Run("id", ["-u", SystemUser], check: false) != 0)
            {
                throw new InvalidOperationException($"could not create the system user {SystemUser} for the PostgreSQL tests");
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static void Run(string program, string[] arguments, string? user) =>
        Run(user is null ? program : "runuser", user is null ? arguments : ["-u", user, "--", program, .. arguments], check: true);

    private static void Run(string program, string[] arguments) => Run(program, arguments, check: true);

    private static int Run(string program, string[] arguments, bool check)
    {
        var (exitCode, output, error) = ToolProcess.Run(program, arguments);
        if (check && exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {exitCode}: {output}{error}");
        }

        return exitCode;
    }
}

/// <summary>The tests sharing one <see cref="PostgresCluster"/> per run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
