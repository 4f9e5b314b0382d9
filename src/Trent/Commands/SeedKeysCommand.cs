using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Trent.CommandLine;
using Trent.Domain.Keys;
using Trent.Server;

namespace Trent.Commands;

/// <summary><c>trent seed-keys --count N</c>: N real symmetric keys written straight into the data directory (benchmark fixtures).</summary>
internal static class SeedKeysCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count")
        {
            Required = true,
            HelpName = "N",
            Description = "How many keys to create (at least 1)",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
                {
                    return n;
                }

                result.AddError($"--count: '{text}' is not a whole number of at least 1.");
                return 0;
            },
        };
        var command = new Command("seed-keys", "Create N symmetric keys directly in the data directory (for benchmarks). Locks the data directory: stop the server first.")
        {
            count,
        };
        var configuration = ServeConfiguration.AddTo(command, SettingScope.Data | SettingScope.Node);
        command.SetAction((parse, cancellationToken) => RunAsync(configuration.Load(parse), parse.GetValue(count)));
        return command;
    }

    private static async Task<int> RunAsync(TrentServerOptions options, int count)
    {
        options.Command = "trent seed-keys";
        options.Urls = "http://127.0.0.1:0";
        await using var server = await TrentServer.CreateAsync(options);
        var seeder = server.Services.GetRequiredService<KeySeeder>();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        // One record for the run (not one per key: a million-key seed is a benchmark fixture, not a million requests).
        var audit = OperatorAudit.Begin(server, "kms.amazonaws.com", "SeedKeys", options.AccountId, options.Command, w =>
        {
            w.WriteNumber("count", count);
            w.WriteString("keySpec", "SYMMETRIC_DEFAULT");
            w.WriteString("description", "seeded");
        });
        using (var progress = new ProgressLine("seeded", "keys", count, plainEvery: 100_000))
        {
            await audit.RunAsync(
                async ct =>
                {
                    await seeder.SeedAsync(options.AccountId, count, batchSize: 10_000, progress, ct);
                    return count;
                },
                created => OperatorAudit.Json(w => w.WriteNumber("keysCreated", created)),
                _ => "KMSInternalException",
                CancellationToken.None);
        }

        Console.WriteLine($"Created {count} keys in account {options.AccountId} in {stopwatch.Elapsed.TotalSeconds:F1} s.");
        return ExitCodes.Ok;
    }
}
