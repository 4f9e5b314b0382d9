namespace Trent.Tests.Cli;

/// <summary>Unknown commands and options, and values of the wrong kind wherever they come from: one line, exit 2, nothing created.</summary>
public sealed class UsageErrorTests
{
    public static TheoryData<string[]> Unknown => new()
    {
        new[] { "frobnicate" },
        new[] { "serve", "--no-such-option", "x" },
        new[] { "seed-keys", "--count", "1", "--bogus" },
        new[] { "create-account", "--bogus" },
        new[] { "create-account", "--urls", "http://127.0.0.1:0" },
        new[] { "audit", "frob" },
        new[] { "audit", "verify", "--bogus" },
        new[] { "audit", "head", "--region", "us-east-1" },
        new[] { "completion", "fish" },
        new[] { "seed-keys" },
        new[] { "seed-keys", "--count", "0" },
        new[] { "seed-keys", "--count", "many" },
        new[] { "audit", "verify", "--from", "yesterday" },
        new[] { "audit" },
    };

    [Theory]
    [MemberData(nameof(Unknown))]
    public async Task An_unknown_command_or_option_is_one_line_and_exit_2(string[] args)
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var result = await TrentCli.RunAsync(args, work);
            TrentCli.AssertOneLineFailure(result, exit: 2);
            Assert.Empty(Directory.GetFileSystemEntries(work));
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    public static TheoryData<string[], string, string?, string> BadValues => new()
    {
        // args, environment (NAME=value or ""), ./trent.json (or null), what the line must say; a repeated option: the last wins
        { ["--max-connections", "abc"], "", null, "--max-connections: 'abc' is not a whole number" },
        { ["--key-cache-ttl", "soon"], "", null, "--key-cache-ttl: 'soon' is not a duration" },
        { [], "TRENT_MATERIAL_CACHE_CAPACITY=lots", null, "TRENT_MATERIAL_CACHE_CAPACITY: 'lots' is not a whole number" },
        { [], "", """{"Trent":{"AuditDigestInterval":"hourly"}}""", "(Trent:AuditDigestInterval): 'hourly' is not a duration" },
        { [], "", """{"Trent":{"Quotas":{"Enabled":"maybe"}}}""", "Trent:Quotas:Enabled" },
        { [], "", """{"Trent":{""", "not valid JSON" },
        { ["--config", "missing.json"], "", null, "--config: there is no file" },
        { ["--region", "mars-north-1"], "", null, "--region: 'mars-north-1' is not an AWS Region" },
        { ["--regions", "eu-west-1"], "TRENT_REGION=ap-south-1", null, "--region: ap-south-1 is not one of the served Regions" },
        { ["--urls", "http://127.0.0.1:0", "--urls", "http://x:99999"], "", null, "--urls: 'http://x:99999' is not a listen URL" },
        { ["--regions", "us-east-1,atlantis-1"], "", null, "--regions" },
        { ["--urls", "not a url"], "", null, "--urls: 'not a url' is not a listen URL" },
        { ["--urls", "ftp://127.0.0.1:21"], "", null, "--urls: 'ftp://127.0.0.1:21': the scheme must be http or https" },
        { ["--urls", "https://127.0.0.1:0"], "", null, "--urls: an https:// URL needs a certificate" },
        { ["--metrics-urls", "https://127.0.0.1:0"], "", null, "--metrics-urls" },
        { [], "TRENT_ACCOUNT_ID=1234", null, "--account-id: '1234' is not an account ID" },
        { ["--max-key-generations", "0"], "", null, "--max-key-generations (MaxConcurrentKeyGenerations) must be at least 1" },
        { ["--maintenance-interval", "00:00:00"], "", null, "--maintenance-interval (MaintenanceInterval) must be longer than 0" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_setting_is_named_with_its_source_and_nothing_is_created(string[] args, string environment, string? config, string expected)
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var data = Path.Combine(work, "data");
            if (config is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(work, "trent.json"), config);
            }

            var env = environment.Length == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { [environment.Split('=')[0]] = environment.Split('=')[1] };
            var result = await TrentCli.RunAsync(["serve", "--data", data, "--urls", "http://127.0.0.1:0", .. args], work, env);
            TrentCli.AssertOneLineFailure(result, exit: 2);
            Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(data), result.ToString());
            Assert.Equal(config is null ? [] : [Path.Combine(work, "trent.json")], Directory.GetFileSystemEntries(work));
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }
}
