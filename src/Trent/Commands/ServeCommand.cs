using System.CommandLine;
using Trent.CommandLine;
using Trent.Server;

namespace Trent.Commands;

/// <summary><c>trent serve</c>: the KMS API (with IAM, STS and CloudTrail LookupEvents) until SIGINT or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the server: the AWS KMS API, with IAM, STS and CloudTrail LookupEvents, on one endpoint.");
        var configuration = ServeConfiguration.AddTo(command, SettingScope.Data | SettingScope.Node | SettingScope.Listener);
        var development = new Option<bool>("--dev")
        {
            Description = "Development profile, NOT FOR REAL KEYS: state in a temporary directory removed at exit, credentials test/test, " +
                "quotas off, POST /_trent/reset empties it; loopback only",
        };
        var allowRemote = new Option<bool>("--dev-allow-remote")
        {
            Description = "With --dev, listen on addresses other than loopback too (anyone who reaches it knows the credentials)",
        };
        command.Options.Add(development);
        command.Options.Add(allowRemote);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = configuration.Load(parse);
            options.DevelopmentAllowRemote = parse.GetValue(allowRemote);
            return parse.GetValue(development) ? RunDevelopmentAsync(options) : RunAsync(options);
        });
        return command;
    }

    private static async Task<int> RunAsync(TrentServerOptions options)
    {
        await using var server = await TrentServer.CreateAsync(options);
        await server.StartAsync();
        StartBanner.Write(Console.Out, server, TrentCommandLine.Version);
        // The host's console lifetime turns SIGINT and SIGTERM into a clean stop (last segment sealed, final digest).
        await server.WaitForShutdownAsync();
        return ExitCodes.Ok;
    }

    /// <summary>The development profile: its state goes with the server, whether it stopped on SIGINT, SIGTERM or failed to start.</summary>
    private static async Task<int> RunDevelopmentAsync(TrentServerOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), "trent-dev-" + Guid.NewGuid().ToString("N"));
        DevelopmentProfile.Apply(options, directory);
        try
        {
            return await RunAsync(options);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // A start that failed already removed what it made.
            }
        }
    }
}
