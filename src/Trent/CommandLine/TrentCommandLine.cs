using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;
using Trent.Commands;
using Trent.Server;

namespace Trent.CommandLine;

/// <summary>
/// The command tree on System.CommandLine: every command prints its help with <c>--help</c>/<c>-h</c> and does
/// nothing else. Every failure is one line on stderr and an exit code (see <see cref="ExitCodes"/>); a stack trace
/// only with <c>TRENT_DEBUG=1</c>.
/// </summary>
internal static class TrentCommandLine
{
    public static string Version { get; } =
        typeof(TrentServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static RootCommand Build()
    {
        var root = new RootCommand("Trent: a self-hosted key management service that speaks the AWS KMS API.")
        {
            ServeCommand.Create(),
            SeedKeysCommand.Create(),
            AuditCommand.Create(),
            CreateAccountCommand.Create(),
            RootOfTrustCommand.Create(),
            VersionCommand(),
            CompletionCommand.Create(),
        };
        root.Subcommands.Add(HelpCommand(root));
        // Without the Windows-style /? and /h, which only clutter completions on Linux.
        root.Options.Remove(root.Options.OfType<HelpOption>().Single());
        root.Options.Insert(0, new HelpOption("--help", "-h", "-?"));
        root.SetAction(parse => new HelpAction().Invoke(parse));
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        // No @file response files: an argument starting with @ is a value, as it always was.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            var message = string.Join(' ', parse.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Console.Error.WriteLine($"trent: {message} See '{CommandPath(parse)} --help'.");
            return ExitCodes.Usage;
        }

        try
        {
            // The host handles SIGINT/SIGTERM for serve; the parser must not end the process under it.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    private static int Report(Exception e)
    {
        var (code, message) = e switch
        {
            UsageException => (ExitCodes.Usage, e.Message),
            StartupException { Failure: StartupFailure.Setting } => (ExitCodes.Usage, e.Message),
            StartupException or DataDirectoryLockedException => (ExitCodes.CannotStart, e.Message),
            _ => (ExitCodes.Failure, $"unexpected {e.GetType().Name}: {e.Message}"),
        };
        Console.Error.WriteLine($"trent: {message.ReplaceLineEndings(" ")}");
        if (Environment.GetEnvironmentVariable("TRENT_DEBUG") is "1" or "true")
        {
            Console.Error.WriteLine(e);
        }

        return code;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is CommandResult command)
            {
                names.Insert(0, command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    private static Command VersionCommand()
    {
        var command = new Command("version", "Print the version.");
        command.SetAction(_ =>
        {
            Console.WriteLine(Version);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>trent help [command]</c>, as before System.CommandLine: the same as <c>--help</c>.</summary>
    private static Command HelpCommand(RootCommand root)
    {
        var topic = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore, Description = "The command to describe" };
        var command = new Command("help", "Show help for trent or one of its commands.") { topic };
        command.Hidden = true;
        command.SetAction(parse => root.Parse([.. parse.GetValue(topic) ?? [], "--help"]).Invoke());
        return command;
    }
}
