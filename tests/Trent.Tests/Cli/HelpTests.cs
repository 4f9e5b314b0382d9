namespace Trent.Tests.Cli;

/// <summary>Help on every command prints usage and does nothing else: no data directory, no key, no account (issue 16).</summary>
public sealed class HelpTests
{
    public static TheoryData<string[]> Commands => new()
    {
        Array.Empty<string>(),
        new[] { "serve" },
        new[] { "seed-keys" },
        new[] { "audit" },
        new[] { "audit", "verify" },
        new[] { "audit", "head" },
        new[] { "audit", "public-key" },
        new[] { "create-account" },
        new[] { "version" },
        new[] { "completion" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_prints_usage_exits_0_and_creates_nothing(string[] command)
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var data = Path.Combine(work, "data");
            foreach (var help in new[] { "--help", "-h", "-?" })
            {
                // --data is given too, and comes after --help: help must still win over every other action.
                var result = await TrentCli.RunAsync([.. command, help, "--data", data, "--count", "5"], work);

                Assert.True(result.Exit == 0, $"{string.Join(' ', command)} {help}: {result}");
                Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
                Assert.Contains($"trent {string.Join(' ', command)}".TrimEnd(), result.Stdout, StringComparison.Ordinal);
                Assert.Empty(result.Stderr);
                Assert.False(Directory.Exists(data), $"{string.Join(' ', command)} {help} created {data}");
                Assert.Empty(Directory.GetFileSystemEntries(work));
            }
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task The_help_of_serve_names_every_setting_with_its_environment_variable()
    {
        var result = await TrentCli.RunAsync("serve", "--help");
        Assert.Equal(0, result.Exit);
        foreach (var (option, variable) in new[]
        {
            ("--urls", "TRENT_URLS"), ("--data", "TRENT_DATA"), ("--region", "TRENT_REGION"), ("--regions", "TRENT_REGIONS"),
            ("--account-id", "TRENT_ACCOUNT_ID"), ("--root-key", "TRENT_ROOT_KEY_FILE"), ("--tls-cert", "TRENT_TLS_CERT"), ("--tls-key", "TRENT_TLS_KEY"),
            ("--node-name", "TRENT_NODE_NAME"), ("--maintenance-interval", "TRENT_MAINTENANCE_INTERVAL"),
            ("--material-cache-capacity", "TRENT_MATERIAL_CACHE_CAPACITY"), ("--key-cache-ttl", "TRENT_KEY_CACHE_TTL"),
            ("--key-cache-capacity", "TRENT_KEY_CACHE_CAPACITY"), ("--access-key-cache-ttl", "TRENT_ACCESS_KEY_CACHE_TTL"),
            ("--audit-segment-bytes", "TRENT_AUDIT_SEGMENT_BYTES"), ("--audit-journal-segment-bytes", "TRENT_AUDIT_JOURNAL_SEGMENT_BYTES"),
            ("--audit-rotation-interval", "TRENT_AUDIT_ROTATION_INTERVAL"), ("--audit-digest-interval", "TRENT_AUDIT_DIGEST_INTERVAL"),
            ("--metrics-urls", "TRENT_METRICS_URLS"), ("--max-connections", "TRENT_MAX_CONNECTIONS"), ("--keep-alive-timeout", "TRENT_KEEP_ALIVE_TIMEOUT"),
            ("--request-headers-timeout", "TRENT_REQUEST_HEADERS_TIMEOUT"), ("--min-request-body-rate", "TRENT_MIN_REQUEST_BODY_RATE"),
            ("--max-key-generations", "TRENT_MAX_KEY_GENERATIONS"), ("--config", "JSON configuration file"),
        })
        {
            var line = result.Stdout.Split('\n').SingleOrDefault(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
            Assert.True(line is not null, $"{option} missing from:\n{result.Stdout}");
            Assert.Contains(variable, result.Stdout[result.Stdout.IndexOf(line, StringComparison.Ordinal)..], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_as_a_command_and_the_version_still_work()
    {
        var help = await TrentCli.RunAsync("help", "serve");
        Assert.True(help.Exit == 0, help.ToString());
        Assert.Contains("trent serve [options]", help.Stdout, StringComparison.Ordinal);

        var bare = await TrentCli.RunAsync();
        Assert.True(bare.Exit == 0, bare.ToString());
        Assert.Contains("Usage:", bare.Stdout, StringComparison.Ordinal);

        var version = await TrentCli.RunAsync("version");
        var option = await TrentCli.RunAsync("--version");
        Assert.Equal(0, version.Exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
        Assert.Equal(version.Stdout, option.Stdout);
    }
}
