using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Trent;
using Trent.Server;

try
{
    return await RunAsync(args);
}
catch (Exception e) when (e is DataDirectoryLockedException or StartupException)
{
    // One line, no stack trace: the operator only needs to know who holds the directory.
    Console.Error.WriteLine($"trent: {e.Message}");
    return 1;
}

static async Task<int> RunAsync(string[] args) => args.FirstOrDefault() switch
{
    "serve" => await ServeAsync(args[1..]),
    "seed-keys" => await SeedKeysAsync(args[1..]),
    "audit" => AuditCommand.Run(args[1..]),
    "create-account" => await CreateAccountAsync(args[1..]),
    "version" or "--version" => PrintVersion(),
    null or "help" or "--help" or "-h" => PrintUsage(Console.Out, 0),
    var verb => PrintUsage(Console.Error, 2, $"Unknown command '{verb}'."),
};

static async Task<int> ServeAsync(string[] args)
{
    if (args.Any(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--config" && !ServeConfiguration.Switches.Contains(a)))
    {
        return PrintUsage(Console.Error, 2, $"Unknown option '{args.First(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--config" && !ServeConfiguration.Switches.Contains(a))}'.");
    }

    var options = ServeConfiguration.Load(args);
    await using var server = await TrentServer.CreateAsync(options);
    await server.StartAsync();
    Console.WriteLine($"Trent is serving the AWS KMS API on {string.Join(", ", server.Urls)} (Region {options.Region}, account {options.AccountId}).");
    Console.WriteLine($"Data directory: {options.DataDirectory}");
    if (!string.IsNullOrEmpty(options.Store))
    {
        // The database's name only: the connection string may hold a password.
        Console.WriteLine($"Store: PostgreSQL database {server.StoreDescription}");
    }
    if (server.GeneratedCredentials is { } credentials)
    {
        Console.WriteLine();
        Console.WriteLine($"Created the administrator access key {credentials.AccessKeyId} ({credentials.PrincipalArn}).");
        Console.WriteLine($"Its secret is in {options.CredentialsPath} (profile '{CredentialsFile.Profile}', mode 0600). Use it with:");
        Console.WriteLine($"  export AWS_SHARED_CREDENTIALS_FILE={options.CredentialsPath} AWS_PROFILE={CredentialsFile.Profile} AWS_REGION={options.Region} AWS_DEFAULT_REGION={options.Region}");
        Console.WriteLine($"  aws --endpoint-url {server.Urls.FirstOrDefault()} kms create-key --description app");
    }

    await server.WaitForShutdownAsync();
    return 0;
}

static async Task<int> SeedKeysAsync(string[] args)
{
    var countIndex = Array.IndexOf(args, "--count");
    if (countIndex < 0 || countIndex + 1 >= args.Length || !int.TryParse(args[countIndex + 1], out var count) || count < 1)
    {
        return PrintUsage(Console.Error, 2, "seed-keys needs --count N (N >= 1).");
    }

    var options = ServeConfiguration.Load([.. args[..countIndex], .. args[(countIndex + 2)..]]);
    options.Command = "trent seed-keys";
    options.Urls = "http://127.0.0.1:0";
    await using var server = await TrentServer.CreateAsync(options);
    var seeder = server.Services.GetRequiredService<Trent.Domain.Keys.KeySeeder>();
    var stopwatch = System.Diagnostics.Stopwatch.StartNew();
    // One record for the run (not one per key: a million-key seed is a benchmark fixture, not a million requests).
    var audit = OperatorAudit.Begin(server, "kms.amazonaws.com", "SeedKeys", options.AccountId, options.Command, w =>
    {
        w.WriteNumber("count", count);
        w.WriteString("keySpec", "SYMMETRIC_DEFAULT");
        w.WriteString("description", "seeded");
    });
    await audit.RunAsync(
        async ct =>
        {
            await seeder.SeedAsync(options.AccountId, count, batchSize: 10_000, new Progress<int>(done =>
            {
                if (done % 100_000 == 0 || done == count)
                {
                    Console.Error.WriteLine($"seeded {done} keys");
                }
            }), ct);
            return count;
        },
        created => OperatorAudit.Json(w => w.WriteNumber("keysCreated", created)),
        _ => "KMSInternalException",
        CancellationToken.None);
    Console.WriteLine($"Created {count} keys in account {options.AccountId} in {stopwatch.Elapsed.TotalSeconds:F1} s.");
    return 0;
}

static async Task<int> CreateAccountAsync(string[] args)
{
    var idIndex = Array.IndexOf(args, "--new-account-id");
    string? accountId = null;
    if (idIndex >= 0)
    {
        if (idIndex + 1 >= args.Length)
        {
            return PrintUsage(Console.Error, 2, "create-account --new-account-id needs a 12-digit account ID.");
        }

        accountId = args[idIndex + 1];
        args = [.. args[..idIndex], .. args[(idIndex + 2)..]];
    }

    var options = ServeConfiguration.Load(args);
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
            ct => server.Services.GetRequiredService<Trent.Domain.Identity.AccountService>().CreateAccountAsync(accountId, ct),
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
        return 0;
    }
    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
}

static int PrintVersion()
{
    Console.WriteLine(typeof(TrentServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
    return 0;
}

static int PrintUsage(TextWriter output, int exitCode, string? problem = null)
{
    if (problem is not null)
    {
        output.WriteLine(problem);
    }

    output.WriteLine("""
        Usage: trent <command> [options]

        Commands:
          serve     Run the KMS server.
          seed-keys Create --count N symmetric keys directly in the data directory (for benchmarks).
          audit     verify: check the signed audit trail offline; public-key: export the digest signing key's public key.
          create-account [--new-account-id ID]
                    Create an account (12 digits; random if not given) in the data directory and print
                    the access key of its root. Takes the serve options that locate the data (--data...).
                    Like serve and seed-keys it locks the data directory: stop the server first.
          version   Print the version.

        Options of serve (each also settable as TRENT_<NAME> or in a JSON config file under "Trent"):
          --urls URLS                  Listen addresses (default http://127.0.0.1:4599; https:// needs --tls-cert)
          --data DIR                   Data directory (default ./trent-data)
          --store CONNECTION-STRING    Keep keys, aliases, grants and identities in PostgreSQL (default: DIR/trent.db)
          --region REGION              AWS Region served (default us-east-1)
          --account-id ID              Account of the administrator (default 111122223333)
          --root-key FILE              Root key file (default DIR/root.key)
          --tls-cert FILE              TLS certificate (PEM with --tls-key, or PKCS#12)
          --tls-key FILE               TLS private key (PEM)
          --config FILE                JSON configuration file (default ./trent.json if present)
          --node-name NAME             Name of this node in audit file names (default: host name)
          --maintenance-interval T     How often due deletions, rotations and expiries run (default 00:00:30)
          --material-cache-capacity N  Unsealed key versions kept in memory (default 10000)
          --key-cache-ttl T            How long key rows may be served from memory (default 00:00:01; 0 disables)
          --key-cache-capacity N       Key rows and aliases kept in memory (default 100000)
          --audit-segment-bytes N      Size of each preallocated audit file (default 16777216)
          --audit-journal-segment-bytes N  Size of each preallocated intent journal file (default 4194304)
          --audit-rotation-interval T  How long an audit file collects records before it is sealed (default 00:05:00)
          --audit-digest-interval T    How often a signed digest of the sealed audit files is written (default 01:00:00)
          --metrics-urls URLS          Prometheus metrics listener, apart from the API (default: none; e.g. http://127.0.0.1:9599)
          --max-connections N          Open API connections at most (default: below the open-file limit, at most 10000)
          --keep-alive-timeout T       Idle keep-alive connections are closed after T (default 00:00:30)
          --request-headers-timeout T  Connections that send no complete headers within T are closed (default 00:00:10)
          --min-request-body-rate N    Bodies slower than N bytes/s (after 5 s) are cut off (default 1024; 0 disables)
          --max-key-generations N      Key pairs generated at once at most (default: processor count)
        See 'trent audit --help' for the audit commands.
        Environment only: TRENT_ADMIN_ACCESS_KEY_ID, TRENT_ADMIN_SECRET_ACCESS_KEY set the administrator's key.
        """);
    return exitCode;
}
