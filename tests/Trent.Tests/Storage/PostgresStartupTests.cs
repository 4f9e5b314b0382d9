using System.Diagnostics;
using Npgsql;
using Trent.Server;
using Trent.Storage.Postgres;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Storage;

/// <summary>Opening a PostgreSQL store: migrations run once however many nodes start, and a store that cannot be
/// used stops the start with one line.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStartupTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Nodes_starting_together_on_an_empty_database_migrate_it_exactly_once()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var databases = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PostgresDatabase.OpenAsync(connectionString, default))));
        try
        {
            var version = await databases[0].SchemaVersionAsync(default);
            Assert.True(version >= 1);
            await using var command = databases[0].DataSource.CreateCommand("SELECT count(*), count(DISTINCT version) FROM schema_version");
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal((version, version), ((int)reader.GetInt64(0), (int)reader.GetInt64(1)));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }

        // A later start finds the schema current and changes nothing.
        await using var again = await PostgresDatabase.OpenAsync(connectionString, default);
        Assert.Equal(await again.SchemaVersionAsync(default), (int)(long)(await again.DataSource.CreateCommand("SELECT count(*) FROM schema_version").ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_node_refuses_a_schema_newer_than_it_knows()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        int known;
        await using (var database = await PostgresDatabase.OpenAsync(connectionString, default))
        {
            known = await database.SchemaVersionAsync(default);
            await using var newer = database.DataSource.CreateCommand($"INSERT INTO schema_version (version) VALUES ({known + 1})");
            await newer.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<PostgresStoreException>(() => PostgresDatabase.OpenAsync(connectionString, default));
        Assert.Contains($"schema version {known + 1}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);

        var data = TestTrent.NewDataDirectory();
        try
        {
            var startup = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(data, configure: o => o.Store = connectionString));
            Assert.StartsWith("--store: ", startup.Message, StringComparison.Ordinal);
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }

    [Fact]
    public async Task An_unreachable_database_stops_trent_serve_with_one_line_and_a_non_zero_exit()
    {
        // A port nothing listens on, and a password that must not be echoed.
        var closedPort = new NpgsqlConnectionStringBuilder(cluster.ConnectionString("postgres")) { Port = 1, Password = "s3cret-pw", Timeout = 3 };
        var data = TestTrent.NewDataDirectory();
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "trent.dll"), "serve", "--urls", "http://127.0.0.1:0", "--data", data, "--store", closedPort.ConnectionString })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            Assert.Equal(3, process.ExitCode); // could not start (README "Command line"), not a usage error
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("trent: --store: cannot use the PostgreSQL database", line, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret-pw", stderr + await stdout, StringComparison.Ordinal);
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }

    [Fact]
    public async Task Statements_are_prepared_automatically_unless_the_connection_string_says_otherwise()
    {
        var connectionString = await cluster.DatabaseForAsync(nameof(PostgresStartupTests));
        await using (var database = await PostgresDatabase.OpenAsync(connectionString, default))
        {
            var settings = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString);
            Assert.Equal((128, 2), (settings.MaxAutoPrepare, settings.AutoPrepareMinUsages));
        }

        await using var unprepared = await PostgresDatabase.OpenAsync(connectionString + ";Max Auto Prepare=0", default);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(unprepared.DataSource.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public async Task A_malformed_connection_string_is_refused_in_one_line()
    {
        var e = await Assert.ThrowsAsync<PostgresStoreException>(() => PostgresDatabase.OpenAsync("Host=127.0.0.1;Nonsense Keyword=1", default));
        Assert.StartsWith("not a valid PostgreSQL connection string", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PostgresStoreException>(() => PostgresDatabase.OpenAsync("Host=127.0.0.1;Port=notaport", default));
        // Npgsql refuses this one only when connecting: one line too, not an unexpected NotSupportedException.
        var single = await Assert.ThrowsAsync<PostgresStoreException>(() => PostgresDatabase.OpenAsync(
            cluster.ConnectionString("postgres") + ";Target Session Attributes=primary", default));
        Assert.StartsWith("not a valid PostgreSQL connection string", single.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unless_the_string_says_otherwise_a_connection_is_waited_for_5_s_and_a_multi_host_primary_is_rechecked_every_second()
    {
        var plain = new NpgsqlConnectionStringBuilder(cluster.ConnectionString("postgres"));
        plain.Remove("Timeout");
        await using var database = await PostgresDatabase.OpenAsync(plain.ConnectionString, default);
        var settings = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString);
        Assert.Equal((5, 1), (settings.Timeout, settings.HostRecheckSeconds));
        await using var given = await PostgresDatabase.OpenAsync(cluster.ConnectionString("postgres") + ";Timeout=7;Host Recheck Seconds=4", default);
        settings = new NpgsqlConnectionStringBuilder(given.DataSource.ConnectionString);
        Assert.Equal((7, 4), (settings.Timeout, settings.HostRecheckSeconds));
    }
}
