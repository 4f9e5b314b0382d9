using Npgsql;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// A throw-away primary and, when asked for, a synchronous standby made from it with <c>pg_basebackup</c>
/// (<c>synchronous_commit = on</c>, <c>synchronous_standby_names</c> naming it): a commit is acknowledged only once
/// the standby has it. For failover and restart tests, which stop, start and promote servers, so never the shared
/// <see cref="PostgresCluster"/>. Same conventions: an unprivileged user, loopback ports, fsync on.
/// </summary>
public sealed class ReplicatedPostgres : IAsyncDisposable
{
    private const string StandbyName = "trent_standby";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trent-pgr-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _bin = PostgresCluster.FindBinaries();
    private readonly string? _runAs = Environment.IsPrivilegedProcess ? PostgresCluster.SystemUser : null;
    private readonly List<string> _running = [];

    private ReplicatedPostgres()
    {
    }

    public int PrimaryPort { get; private set; }

    public int StandbyPort { get; private set; }

    public bool HasStandby => StandbyPort != 0;

    private string PrimaryData => Path.Combine(_root, "primary");

    private string StandbyData => Path.Combine(_root, "standby");

    /// <summary>Starts the primary and, with <paramref name="standby"/>, a synchronous standby streaming from it.</summary>
    public static async Task<ReplicatedPostgres> StartAsync(bool standby)
    {
        var cluster = new ReplicatedPostgres();
        try
        {
            await cluster.InitializeAsync(standby);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A string naming both servers (when there is a standby), for the one that takes writes.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1:{PrimaryPort}" + (HasStandby ? $",127.0.0.1:{StandbyPort};Target Session Attributes=primary" : string.Empty) +
        $";Username=postgres;Database={database};Maximum Pool Size=40";

    /// <summary>A new database (on the primary; the standby replays it).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "trent_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={PrimaryPort};Username=postgres;Database=postgres");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the primary; <paramref name="immediate"/> as a crash would (no shutdown checkpoint).</summary>
    public void StopPrimary(bool immediate) => Stop(PrimaryData, immediate ? "immediate" : "fast");

    /// <summary>Starts the stopped primary again, on its port (it recovers from its WAL).</summary>
    public void StartPrimary() => Start(PrimaryData, PrimaryPort, Settings(PrimaryPort, synchronous: HasStandby));

    /// <summary>Makes the standby the primary and waits until it takes writes.</summary>
    public void PromoteStandby() => PostgresCluster.Run(Path.Combine(_bin, "pg_ctl"), ["-D", StandbyData, "-w", "-t", "60", "promote"], _runAs);

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var data in _running.ToArray())
        {
            Stop(data, "immediate");
        }

        TestTrent.TryDelete(_root);
        return ValueTask.CompletedTask;
    }

    private async Task InitializeAsync(bool standby)
    {
        Directory.CreateDirectory(_root);
        if (_runAs is not null)
        {
            PostgresCluster.EnsureSystemUser();
            PostgresCluster.Run("chown", [_runAs, _root], null);
        }

        PostgresCluster.Run(Path.Combine(_bin, "initdb"), ["-D", PrimaryData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], _runAs);
        PrimaryPort = PostgresCluster.FreePort();
        if (standby)
        {
            StandbyPort = PostgresCluster.FreePort();
        }

        Start(PrimaryData, PrimaryPort, Settings(PrimaryPort, synchronous: standby));
        if (!standby)
        {
            return;
        }

        PostgresCluster.Run(
            Path.Combine(_bin, "pg_basebackup"),
            ["-h", "127.0.0.1", "-p", PrimaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-D", StandbyData,
             "-X", "stream", "-R", "--no-sync"],
            _runAs);
        Start(StandbyData, StandbyPort, Settings(StandbyPort, synchronous: false) +
            $" -c \"primary_conninfo=host=127.0.0.1 port={PrimaryPort} user=postgres application_name={StandbyName}\"");
        await WaitForSynchronousStandbyAsync();
    }

    private string Settings(int port, bool synchronous) => string.Join(' ', [
        $"-c port={port}",
        "-c listen_addresses=127.0.0.1",
        $"-c unix_socket_directories={_root}",
        "-c fsync=on",
        "-c max_connections=200",
        .. synchronous ? (string[])["-c synchronous_commit=on", $"-c synchronous_standby_names={StandbyName}"] : [],
    ]);

    private void Start(string data, int port, string settings)
    {
        var log = Path.Combine(_root, Path.GetFileName(data) + ".log");
        PostgresCluster.Run(Path.Combine(_bin, "pg_ctl"), ["-D", data, "-l", log, "-w", "-t", "60", "-o", settings, "start"], _runAs);
        _running.Add(data);
    }

    private void Stop(string data, string mode)
    {
        if (_running.Remove(data))
        {
            PostgresCluster.Run(Path.Combine(_bin, "pg_ctl"), ["-D", data, "-m", mode, "-w", "-t", "60", "stop"], _runAs);
        }
    }

    private async Task WaitForSynchronousStandbyAsync()
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={PrimaryPort};Username=postgres;Database=postgres");
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'", connection);
            if ((long)(await command.ExecuteScalarAsync())! == 1)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("the standby did not become synchronous within a minute");
            }

            await Task.Delay(100);
        }
    }
}
