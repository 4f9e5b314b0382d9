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
        command.SetAction((parse, cancellationToken) => RunAsync(configuration.Load(parse)));
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
}
