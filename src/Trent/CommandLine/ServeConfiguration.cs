using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Trent.Server;

namespace Trent.CommandLine;

/// <summary>
/// The options of the settings a command takes, and the settings they make, in rising precedence: a JSON config
/// file (<c>--config FILE</c>, else <c>./trent.json</c> if present), <c>TRENT_*</c> environment variables, and
/// command-line options. A value that is not of its setting's kind is named with the place it came from.
/// </summary>
internal sealed class ServeConfiguration
{
    private const string Section = "Trent";
    private const string DefaultConfigFile = "trent.json";
    private readonly Option<string> _config = new("--config")
    {
        HelpName = "FILE",
        Description = "JSON configuration file, settings under \"Trent\" (default ./trent.json if present)",
    };

    private readonly List<(Setting Setting, Option<string> Option)> _options = [];

    private ServeConfiguration(Command command, SettingScope scope, IReadOnlyCollection<string> except)
    {
        foreach (var setting in Setting.All.Where(s => s.Switch is not null && (s.Scope & scope) != 0 && !except.Contains(s.Key)))
        {
            var option = new Option<string>(setting.Switch!)
            {
                HelpName = setting.HelpName,
                Description = $"{setting.Description} [{setting.Env}]",
                // Given twice, the last one wins (as it always did); each occurrence still takes exactly one value.
                Arity = ArgumentArity.OneOrMore,
                AllowMultipleArgumentsPerToken = false,
                CustomParser = result => result.Tokens[^1].Value,
            };
            _options.Add((setting, option));
            command.Options.Add(option);
        }

        command.Options.Add(_config);
    }

    /// <summary>Adds the options of the settings in <paramref name="scope"/> to <paramref name="command"/>, but for the
    /// settings (keys) in <paramref name="except"/>, which the command names its own way.</summary>
    public static ServeConfiguration AddTo(Command command, SettingScope scope, IReadOnlyCollection<string>? except = null) => new(command, scope, except ?? []);

    public TrentServerOptions Load(ParseResult parse)
    {
        var configFile = parse.GetValue(_config);
        var configPath = Path.GetFullPath(configFile ?? DefaultConfigFile);
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(configPath, optional: false);
        }
        else if (File.Exists(DefaultConfigFile))
        {
            builder.AddJsonFile(Path.GetFullPath(DefaultConfigFile), optional: true);
        }

        builder.AddInMemoryCollection(Setting.All
            .Select(s => (s.Key, Value: Environment.GetEnvironmentVariable(s.Env)))
            .Where(s => !string.IsNullOrEmpty(s.Value))
            .Select(s => KeyValuePair.Create<string, string?>($"{Section}:{s.Key}", s.Value)));
        builder.Add(new CommandLineSource(_options
            .Select(o => (o.Setting.Key, Value: parse.GetValue(o.Option)))
            .Where(o => o.Value is not null)
            .Select(o => KeyValuePair.Create($"{Section}:{o.Key}", o.Value!))));

        var configuration = Build(builder, configPath);
        foreach (var setting in Setting.All)
        {
            var value = configuration[$"{Section}:{setting.Key}"];
            if (value is not null && !setting.Accepts(value))
            {
                throw new UsageException($"{SourceOf(configuration, setting, configPath)}: '{value}' is not {setting.Expected}.");
            }
        }

        var options = new TrentServerOptions();
        try
        {
            configuration.GetSection(Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // A key only the config file sets (Quotas, Limits:MaxRequestHeaderCount, ...): the binder names it.
            throw new UsageException($"{configPath}: {e.Message}", e);
        }

        // Only serve's own --dev and --dev-allow-remote choose the development profile, never a file or variable.
        options.Development = false;
        options.DevelopmentAllowRemote = false;
        return options;
    }

    private static IConfigurationRoot Build(ConfigurationBuilder builder, string configPath)
    {
        try
        {
            return builder.Build();
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException($"--config: there is no file {configPath}.", e);
        }
        catch (InvalidDataException e) when (e.InnerException is not null)
        {
            // "Failed to load configuration from file": the parser's reason (line and position) is inside.
            var reason = e.InnerException;
            while (reason.InnerException is not null)
            {
                reason = reason.InnerException;
            }

            throw new UsageException($"{configPath}: not valid JSON: {reason.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            throw new UsageException($"{configPath}: {e.Message}", e);
        }
    }

    /// <summary>The option, variable or file key whose value won (the last provider that has it).</summary>
    private static string SourceOf(IConfigurationRoot configuration, Setting setting, string configPath)
    {
        var key = $"{Section}:{setting.Key}";
        var provider = configuration.Providers.Reverse().First(p => p.TryGet(key, out _));
        return provider switch
        {
            CommandLineSource.Provider => setting.Switch!,
            JsonConfigurationProvider => $"{configPath} ({key})",
            _ => setting.Env,
        };
    }

    /// <summary>The command line's values, told apart from the environment's in <see cref="SourceOf"/>.</summary>
    private sealed class CommandLineSource(IEnumerable<KeyValuePair<string, string>> values) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(values);

        public sealed class Provider : ConfigurationProvider
        {
            public Provider(IEnumerable<KeyValuePair<string, string>> values)
            {
                foreach (var (key, value) in values)
                {
                    Data[key] = value;
                }
            }
        }
    }
}
