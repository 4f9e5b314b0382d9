using System.Diagnostics;
using System.Globalization;
using Trent.Bench;
using Trent.Protocol.SigV4;

// trent-bench: a SigV4 load generator for any KMS-compatible endpoint. See README "Benchmarks".
var verb = args.FirstOrDefault() ?? "help";
var options = Options.Parse(args.Skip(1).ToArray());
return verb switch
{
    "suite" => await Suite.RunAsync(options),
    "run" => await RunAsync(options),
    "baseline-server" => await BaselineAsync(options),
    "micro-ciphertext" => CiphertextMicro.Run(options),
    _ => Usage(),
};

static async Task<int> RunAsync(Options options)
{
    var endpoint = options.Get("endpoint") ?? throw new ArgumentException("run needs --endpoint URL");
    using var client = Credentials.Client(endpoint, options.Int("concurrency", 16));
    var results = new List<LoadResult>();
    foreach (var workload in (options.Get("workload") ?? "encrypt-32").Split(','))
    {
        var keys = workload == "encrypt-random-key" ? await Workloads.ListKeyIdsAsync(client, options.Int("keys", 1_000_000)) : null;
        var next = await Workloads.PrepareAsync(workload, client, keys, options.Get("key-id"));
        results.Add(await LoadRunner.RunAsync(
            workload, client, next, options.Int("concurrency", 16), TimeSpan.FromSeconds(options.Double("duration", 10)),
            TimeSpan.FromSeconds(options.Double("warmup", 2)), options.Long("requests"), options.Has("rate") ? options.Double("rate", 0) : null));
    }

    var report = new SuiteReport(endpoint, options.Int("concurrency", 16), null, null, null, results, []);
    if (options.Has("json"))
    {
        Console.WriteLine(Report.Json(report));
    }
    else
    {
        Report.PrintTable(report, Console.Out);
    }

    return results.Any(r => r.Errors > 0) ? 1 : 0;
}

static async Task<int> BaselineAsync(Options options)
{
    await BaselineServer.RunAsync(options.Int("port", 4600), options.Int("size", 256));
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        Usage:
          trent-bench suite [--concurrency N] [--duration S] [--keys N] [--json]
              Starts Trent (release build, fresh data directory) and the bare-Kestrel ceiling as separate processes,
              runs the standard workloads and prints the table (or JSON).
          trent-bench run --endpoint URL [--workload W[,W...]] [--key-id K] [--concurrency N] [--duration S | --requests N] [--rate R] [--json]
              Measures any KMS-compatible endpoint; credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
              AWS_SESSION_TOKEN and AWS_REGION. Workloads: encrypt-32, encrypt-4k, decrypt, generate-data-key,
              describe-key, create-key, sign (ECDSA P-256), sign-rsa-2048, generate-mac, mix,
              encrypt-random-key (over up to --keys N existing keys), decrypt-v1 (a version 1 ciphertext, made by
              the harness under imported material: Trent writes only version 2). --key-id: an existing key for
              encrypt-32, encrypt-4k and decrypt (a custom key store's key, say) instead of a new one.
          trent-bench baseline-server --port P [--size BYTES]
          trent-bench micro-ciphertext [--iterations N]
              In process: the cost of ciphertext v2's per-blob key derivation against AES-GCM used directly.
        """);
    return 2;
}

namespace Trent.Bench
{
    /// <summary>--name value options.</summary>
    public sealed class Options(Dictionary<string, string> values)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Unexpected argument '{args[i]}'.");
                }

                var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                values[args[i][2..]] = hasValue ? args[++i] : "true";
            }

            return new Options(values);
        }

        public bool Has(string name) => values.ContainsKey(name);

        public string? Get(string name) => values.GetValueOrDefault(name);

        public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public long? Long(string name) => values.TryGetValue(name, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : null;

        public double Double(string name, double fallback) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }

    public static class Credentials
    {
        public const string BenchAccessKeyId = "AKIABENCHMARKADMIN01";
        public const string BenchSecretAccessKey = "bench/secret/access/key/0123456789abcdefgh";

        public static KmsClient Client(string endpoint, int connections, bool benchAdmin = false)
        {
            var accessKeyId = benchAdmin ? BenchAccessKeyId : Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
            var secret = benchAdmin ? BenchSecretAccessKey : Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
            if (accessKeyId is null || secret is null)
            {
                throw new ArgumentException("Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
            }

            var region = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
            var token = benchAdmin ? null : Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
            return new KmsClient(new Uri(endpoint.TrimEnd('/') + "/"), new RequestSigner(accessKeyId, secret, token, region), connections);
        }
    }
}
