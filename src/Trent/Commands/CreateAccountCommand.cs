using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Trent.CommandLine;
using Trent.Domain.Identity;
using Trent.Server;

namespace Trent.Commands;

/// <summary><c>trent create-account</c>: a new account in the data directory, and the access key of its root.</summary>
internal static class CreateAccountCommand
{
    public static Command Create()
    {
        var accountId = new Option<string>("--new-account-id") { HelpName = "ID", Description = "The new account's ID (12 digits; random if not given)" };
        var command = new Command(
            "create-account",
            "Create an account in the data directory and print the access key of its root. Locks the data directory: stop the server first.")
        {
            accountId,
        };
        var configuration = ServeConfiguration.AddTo(command, SettingScope.Data | SettingScope.Node);
        command.SetAction((parse, cancellationToken) => RunAsync(configuration.Load(parse), parse.GetValue(accountId)));
        return command;
    }

    private static async Task<int> RunAsync(TrentServerOptions options, string? accountId)
    {
        options.Command = "trent create-account";
        options.Urls = "http://127.0.0.1:0";
        await using var server = await TrentServer.CreateAsync(options);
        var audit = OperatorAudit.Begin(server, "organizations.amazonaws.com", "CreateAccount", options.AccountId, options.Command, w =>
        {
            if (accountId is not null)
            {
                w.WriteString("accountId", accountId);
            }
        });
        try
        {
            // The secret is printed, never recorded: the record names the account and the access key's ID.
            var (created, credentials) = await audit.RunAsync(
                ct => server.Services.GetRequiredService<AccountService>().CreateAccountAsync(accountId, ct),
                result => OperatorAudit.Json(w =>
                {
                    w.WriteString("accountId", result.AccountId);
                    w.WriteString("rootAccessKeyId", result.Credentials.AccessKeyId);
                }),
                e => e switch
                {
                    // AWS Organizations' names for the same failures.
                    ArgumentException => "ConstraintViolationException",
                    InvalidOperationException => "DuplicateAccountException",
                    _ => "ServiceException",
                },
                CancellationToken.None);
            Console.WriteLine($"Created account {created}. Credentials of its root ({credentials.PrincipalArn}):");
            Console.WriteLine($"AWS_ACCESS_KEY_ID={credentials.AccessKeyId}");
            Console.WriteLine($"AWS_SECRET_ACCESS_KEY={credentials.SecretAccessKey}");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine($"trent: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
