using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Trent.CommandLine;
using Trent.Remote;
using Trent.Server;

namespace Trent.Commands;

/// <summary>
/// <c>trent root rotate</c> and <c>trent root status</c>: the key hierarchy of a running server, through its admin
/// API (so the server never stops, and the call is authorized and audited as the caller's request).
/// </summary>
internal static class RootOfTrustCommand
{
    public static Command Create()
    {
        var command = new Command("root", "The key hierarchy of a running Trent: rotate its domain key, show its state.");
        command.Subcommands.Add(Verb(
            "rotate",
            "Create a new domain key on the running server: every node takes it up, it seals new values after the activation delay, and older values are re-sealed under it in the background with no downtime.",
            "RotateDomainKey",
            PrintRotation));
        command.Subcommands.Add(Verb("status", "Show where the root of trust is, the domain key versions and the newest re-sealing pass.", "DescribeKeyHierarchy", PrintStatus));
        return command;
    }

    private static Command Verb(string name, string description, string operation, Action<JsonElement> print)
    {
        var endpoint = new Option<string>("--endpoint")
        {
            HelpName = "URL",
            Description = "The running server (default AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, else http://127.0.0.1:4599)",
        };
        var profile = new Option<string>("--profile")
        {
            HelpName = "NAME",
            Description = "Profile of the shared credentials file (default AWS_PROFILE, else trent; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY win when no profile is given)",
        };
        var command = new Command(name, description) { endpoint, profile };
        var configuration = ServeConfiguration.AddTo(command, SettingScope.Data);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = configuration.Load(parse);
            var region = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? options.Region;
            using var client = AdminClient.Create(parse.GetValue(endpoint), parse.GetValue(profile), region, options.CredentialsPath);
            try
            {
                using var answer = await client.CallAsync(operation, cancellationToken).ConfigureAwait(false);
                print(answer.RootElement);
                return ExitCodes.Ok;
            }
            catch (AdminCallException e)
            {
                Console.Error.WriteLine($"trent: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static void PrintRotation(JsonElement answer)
    {
        var key = answer.GetProperty("DomainKey");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Created domain key version {key.GetProperty("Version").GetInt64()}; it seals new values from {Time(key.GetProperty("ActivationDate"))}, and values sealed before are re-sealed under it in the background ('trent root status' shows the pass)."));
    }

    private static void PrintStatus(JsonElement answer)
    {
        Console.WriteLine($"Root of trust: {answer.GetProperty("RootOfTrust").GetString()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Current domain key version: {answer.GetProperty("CurrentDomainKeyVersion").GetInt64()}"));
        foreach (var key in answer.GetProperty("DomainKeys").EnumerateArray())
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  version {key.GetProperty("Version").GetInt64()}: created {Time(key.GetProperty("CreationDate"))}, seals from {Time(key.GetProperty("ActivationDate"))}{(key.GetProperty("Current").GetBoolean() ? " (current)" : string.Empty)}"));
        }

        Console.WriteLine(answer.GetProperty("ResealPending").GetBoolean()
            ? "Re-sealing under the current version: pending or under way."
            : "Every stored value is sealed under the current version (or was, at its last pass).");
        if (answer.TryGetProperty("LastResealPass", out var pass))
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Last re-sealing pass on this node: under version {pass.GetProperty("DomainKeyVersion").GetInt64()}, finished {Time(pass.GetProperty("FinishedAt"))}: {pass.GetProperty("KeyMaterials").GetInt32()} key material versions, {pass.GetProperty("AccessKeys").GetInt32()} access keys, {pass.GetProperty("CustomKeyStorePasswords").GetInt32()} custom key store passwords re-sealed, {pass.GetProperty("Unreadable").GetInt32()} unreadable"));
        }
    }

    private static string Time(JsonElement epochSeconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(epochSeconds.GetDouble() * 1000)).ToString("u", CultureInfo.InvariantCulture);
}
