using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Trent.CommandLine;
using Trent.Server;
using Trent.Server.Migration;
using Trent.Storage.Postgres;
using Trent.Storage.Sqlite;

namespace Trent.Commands;

/// <summary><c>trent store migrate --from DIR --to CONNECTION-STRING</c>: an embedded installation moved into PostgreSQL.</summary>
internal static class StoreCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from")
        {
            Required = true,
            HelpName = "DIR",
            Description = "The data directory whose embedded database (DIR/trent.db) is copied; it stays as it was",
        };
        var to = new Option<string>("--to")
        {
            Required = true,
            HelpName = "CONNECTION-STRING",
            Description = "The PostgreSQL database to copy into (Npgsql connection string); it must be empty",
        };
        var migrate = new Command(
            "migrate",
            "Copy an embedded (SQLite) installation into an empty PostgreSQL database, in one transaction. Locks the data directory: stop the server first.")
        {
            from,
            to,
        };
        var configuration = ServeConfiguration.AddTo(migrate, SettingScope.Data | SettingScope.Node, except: ["Data", "Store"]);
        migrate.SetAction((parse, cancellationToken) => MigrateAsync(configuration.Load(parse), parse.GetValue(from)!, parse.GetValue(to)!));
        return new Command("store", "Move the data between stores.") { migrate };
    }

    private static async Task<int> MigrateAsync(TrentServerOptions options, string from, string to)
    {
        options.Command = "trent store migrate";
        options.Urls = "http://127.0.0.1:0";
        options.Data = from;
        options.Store = null;
        if (!File.Exists(options.DatabasePath))
        {
            throw new UsageException($"--from: there is no embedded database {Path.GetFullPath(options.DatabasePath)}.");
        }

        string where;
        try
        {
            where = PostgresDatabase.Describe(to);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"--to: not a valid PostgreSQL connection string: {e.Message}");
        }

        // Opening the source as a node does takes the data-directory lock (no server may be running on it) and
        // checks the root of trust, which the target will need: the copied values stay sealed under it.
        await using var server = await TrentServer.CreateAsync(options);
        var audit = OperatorAudit.Begin(server, "kms.amazonaws.com", "MigrateStore", options.AccountId, options.Command, w =>
        {
            w.WriteString("from", Path.GetFullPath(options.DatabasePath));
            w.WriteString("to", where);
        });
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        MigrationResult result;
        try
        {
            using var progress = new ProgressLine("copied", "rows", 0, plainEvery: 10_000);
            result = await audit.RunAsync(
                async ct =>
                {
                    await using var target = await PostgresDatabase.OpenAsync(to, ct);
                    return await SqliteToPostgres.CopyAsync(server.Services.GetRequiredService<SqliteDatabase>(), target, progress, n => progress.Total = n, ct);
                },
                copied => OperatorAudit.Json(w =>
                {
                    foreach (var (table, rows) in copied.Tables)
                    {
                        w.WriteNumber(table, rows);
                    }
                }),
                e => e is StoreMigrationException ? "ValidationException" : "KMSInternalException",
                CancellationToken.None);
        }
        catch (Exception e) when (e is PostgresStoreException or StoreMigrationException or NpgsqlException)
        {
            Console.Error.WriteLine($"trent: --to: {e.Message.ReplaceLineEndings(" ")}");
            return e is PostgresStoreException { InvalidSetting: true } ? ExitCodes.Usage : ExitCodes.Failure;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }

        Console.WriteLine(
            $"Copied {result.RowsOf("keys")} keys, {result.RowsOf("key_materials")} material versions, {result.RowsOf("aliases")} aliases, " +
            $"{result.RowsOf("grants")} grants, {result.RowsOf("iam_users")} users, {result.RowsOf("iam_roles")} roles, " +
            $"{result.RowsOf("access_keys")} access keys ({result.Rows} rows in all) to {where} in {stopwatch.Elapsed.TotalSeconds:F1} s.");
        Console.WriteLine($"Start Trent on it with the same root of trust: trent serve --data {from} --store \"...\"");
        return ExitCodes.Ok;
    }
}
