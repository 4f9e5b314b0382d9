using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Protocol.AwsJson;
using Trent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Trent.Tests.Fuzz;

/// <summary>
/// Sends at least 10,000 mutated, correctly signed requests across every awsJson operation (KMS and CloudTrail's
/// LookupEvents) and every IAM and STS action, as the root, an IAM user without policies, a read-only user and a
/// role session, and checks every answer: no 5xx, an AWS error type (or a success body) in the protocol's format,
/// exactly one audit record per request ID, a server that still serves, and a bounded heap. The seed is printed;
/// <c>TRENT_FUZZ_SEED</c> replays a run and <c>TRENT_FUZZ_REQUESTS</c> changes its length.
/// </summary>
public sealed class ProtocolFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261201;
    private const int DefaultRequests = 10_000;
    private const int Senders = 12;

    /// <summary>Growth of the managed heap (after a full collection) that the run may leave behind.</summary>
    private const long HeapGrowthBound = 512L * 1024 * 1024;

    [Fact]
    public async Task Mutated_signed_requests_on_every_surface_never_get_a_5xx_and_are_all_audited()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TRENT_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("TRENT_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : DefaultRequests;
        output.WriteLine($"fuzz seed {seed} (set TRENT_FUZZ_SEED to replay), {count} requests, {Senders} senders");

        await using var trent = await TestTrent.StartAsync(configure: o => o.AuditSegmentBytes = 16 * 1024 * 1024);
        var (targets, callers) = await SetUpAsync(trent);
        var operations = trent.Server.Services.GetRequiredService<KmsOperationRegistry>();
        var json = new JsonFuzzer([.. operations.Operations], targets);
        var lookup = new JsonFuzzer([Operation(operations, "LookupEvents")], targets);
        var query = new QueryFuzzer(targets);
        QueryFuzzer.CheckCoverage();

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var results = new ConcurrentBag<Result>();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Senders, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(trent.Url), Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Senders }, async (i, ct) =>
        {
            // Each request depends only on the seed and its index, whatever the scheduling.
            var random = new Random(HashCode.Combine(seed, i));
            var caller = callers[random.Next(callers.Count)];
            var request = random.Next(100) switch
            {
                < 50 => json.Next(random),
                < 55 => lookup.Next(random),
                _ => query.Next(random),
            };
            results.Add(await SendAsync(http, request, caller, ct));
        });
        var elapsed = clock.Elapsed;

        var all = results.ToList();
        Report(all, elapsed);
        var failures = all.Where(r => r.Failure is not null).ToList();
        foreach (var failure in failures.Take(8))
        {
            output.WriteLine($"FAILURE {failure.Failure}\n  request: {failure.Request}\n  answer {failure.Status}: {failure.Body}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {all.Count} answers were wrong; first: {failures.FirstOrDefault()?.Failure} for {failures.FirstOrDefault()?.Request}");
        Assert.True(all.Count >= count);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"the run took {elapsed.TotalSeconds:F0} s");

        // Every answer has exactly one audit record, found by the request ID the answer carried.
        var audited = AuditFiles.ReadAll(trent.DataDirectory)
            .Select(r => r.TryGetProperty("requestID", out var id) ? id.GetString() : null)
            .Where(id => id is not null)
            .GroupBy(id => id!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var unaudited = all.Where(r => audited.GetValueOrDefault(r.RequestId!) != 1).ToList();
        output.WriteLine($"audit records matched: {all.Count - unaudited.Count} of {all.Count}");
        Assert.True(unaudited.Count == 0, $"{unaudited.Count} answers have no single audit record; first: {unaudited.FirstOrDefault()?.Request}");

        // The server still serves, and what the run left on the heap is bounded.
        using (var health = await http.GetAsync("/healthz"))
        {
            Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
        }

        // A key of its own: the run's valid PutKeyPolicy requests (with the lockout check bypassed) may have left the
        // target keys with policies that no longer admit the root, which depends on the order the senders ran in.
        using var client = trent.Client();
        var created = (await client.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var key = await client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = created });
        Assert.Equal(created, key.KeyMetadata.KeyId);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var workingSet = Process.GetCurrentProcess().WorkingSet64;
        output.WriteLine($"heap before {heapBefore >> 20} MiB, after {heapAfter >> 20} MiB; working set {workingSet >> 20} MiB; {elapsed.TotalSeconds:F1} s");
        Assert.True(heapAfter - heapBefore < HeapGrowthBound, $"the heap grew by {(heapAfter - heapBefore) >> 20} MiB");
        Assert.True(workingSet < 4L * 1024 * 1024 * 1024, $"working set {workingSet >> 20} MiB");
    }

    private static IKmsOperation Operation(KmsOperationRegistry registry, string name) =>
        registry.TryGet(KmsOperationRegistry.TargetPrefix + name, out var operation) ? operation
        : registry.TryGet("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101." + name, out operation) ? operation
        : throw new InvalidOperationException(name);

    private static async Task<Result> SendAsync(HttpClient http, FuzzRequest request, FuzzCaller caller, CancellationToken ct)
    {
        using var message = request.ToHttp(http.BaseAddress!, caller);
        try
        {
            using var response = await http.SendAsync(message, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var status = (int)response.StatusCode;
            var requestId = response.Headers.TryGetValues(RequestIds.HeaderName, out var ids) ? ids.First() : null;
            var (code, failure) = Check(request, status, response.Content.Headers.ContentType?.MediaType, body);
            if (requestId is null)
            {
                failure ??= "no x-amzn-RequestId header";
            }

            return new Result(request.Surface, request.Operation, status, code, requestId, failure, request.Describe(caller), Snippet(body));
        }
        catch (HttpRequestException e)
        {
            return new Result(request.Surface, request.Operation, 0, null, null, "no answer: " + e.Message, request.Describe(caller), string.Empty);
        }
    }

    /// <summary>The error code of an answer, and what is wrong with it, if anything.</summary>
    private static (string? Code, string? Failure) Check(FuzzRequest request, int status, string? mediaType, byte[] body)
    {
        if (status >= 500)
        {
            return (null, $"status {status}");
        }

        var query = request.Target is null && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
        try
        {
            if (query)
            {
                if (mediaType != "text/xml")
                {
                    return (null, $"query answer with content type {mediaType}");
                }

                var xml = XElement.Parse(Encoding.UTF8.GetString(body));
                if (status == 200)
                {
                    return xml.Name.LocalName.EndsWith("Response", StringComparison.Ordinal) && xml.Name.LocalName != "ErrorResponse"
                        ? (null, null)
                        : (null, "a 200 without an action response");
                }

                var code = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                return xml.Name.LocalName == "ErrorResponse" && !string.IsNullOrEmpty(code) ? (code, null) : (null, "an error without ErrorResponse/Error/Code");
            }

            if (mediaType != AwsJsonCodec.ContentType)
            {
                return (null, $"awsJson answer with content type {mediaType}");
            }

            if (status == 200)
            {
                return body.Length == 0 || JsonDocument.Parse(body).RootElement.ValueKind == JsonValueKind.Object ? (null, null) : (null, "a 200 that is not a JSON object");
            }

            using var document = JsonDocument.Parse(body);
            var type = document.RootElement.TryGetProperty("__type", out var t) ? t.GetString() : null;
            return string.IsNullOrEmpty(type) ? (null, "an error without __type") : (type, null);
        }
        catch (Exception e) when (e is XmlException or JsonException)
        {
            return (null, "unreadable body: " + e.Message);
        }
    }

    private void Report(List<Result> results, TimeSpan elapsed)
    {
        output.WriteLine($"{results.Count} requests in {elapsed.TotalSeconds:F1} s ({results.Count / elapsed.TotalSeconds:F0}/s)");
        foreach (var surface in results.GroupBy(r => r.Surface).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var statuses = string.Join(", ", surface.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
            var codes = string.Join(", ", surface.Where(r => r.Code is not null).GroupBy(r => r.Code).OrderByDescending(g => g.Count()).Take(12).Select(g => $"{g.Key} {g.Count()}"));
            output.WriteLine($"  {surface.Key}: {surface.Count()} requests, {surface.Select(r => r.Operation).Distinct().Count()} operations; status {statuses}");
            output.WriteLine($"    errors: {codes}");
        }
    }

    private static string Snippet(byte[] body) => Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));

    /// <summary>Keys of several kinds, an alias, a ciphertext, and four callers: root, a user with no policy, a read-only user, a role session.</summary>
    private static async Task<(FuzzTargets Targets, IReadOnlyList<FuzzCaller> Callers)> SetUpAsync(TestTrent trent)
    {
        var kms = trent.Client();
        var keys = new List<string>();
        foreach (var (spec, usage) in new[] { ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), ("ECC_NIST_P256", "SIGN_VERIFY"), ("HMAC_256", "GENERATE_VERIFY_MAC"), ("ECC_NIST_P256", "KEY_AGREEMENT"), ("RSA_2048", "ENCRYPT_DECRYPT") })
        {
            keys.Add((await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = usage })).KeyMetadata.KeyId);
        }

        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/fuzz-0", TargetKeyId = keys[0] });
        var ciphertext = await kms.EncryptAsync(new EncryptRequest { KeyId = keys[0], Plaintext = new MemoryStream("fuzz"u8.ToArray()) });

        using var iam = IamClient.Admin(trent);
        var (nobodyArn, nobodyId, nobodySecret) = await iam.CreateUserWithKeyAsync("fuzz-nobody");
        var (readerArn, readerId, readerSecret) = await iam.CreateUserWithKeyAsync("fuzz-reader", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Describe*","kms:List*","kms:Get*","kms:Encrypt","iam:Get*","iam:List*","sts:AssumeRole","cloudtrail:LookupEvents"],"Resource":"*"}]}
            """);
        const string trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}""";
        var roleArn = await iam.CreateRoleAsync("fuzz-role", trust);
        await iam.PutRolePolicyAsync("fuzz-role", "all", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:*","iam:*"],"Resource":"*"}]}""");
        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey),
            new AmazonSecurityTokenServiceConfig { ServiceURL = trent.Url, AuthenticationRegion = TestTrent.Region, MaxErrorRetry = 0 });
        var session = (await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "fuzz" })).Credentials;

        var targets = new FuzzTargets
        {
            KeyIds = keys,
            KeyArnPrefix = $"arn:aws:kms:{TestTrent.Region}:{TestTrent.AccountId}:key/",
            PrincipalArns = [nobodyArn, readerArn, $"arn:aws:iam::{TestTrent.AccountId}:root", roleArn, "arn:aws:iam::444455556666:root"],
            FixtureRoleArn = roleArn,
            Ciphertext = Convert.ToBase64String(ciphertext.CiphertextBlob.ToArray()),
            KeyPolicy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{TestTrent.AccountId}}:root"},"Action":"kms:*","Resource":"*"}]}""",
            TrustPolicy = trust,
            IdentityPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}""",
        };
        FuzzCaller[] callers =
        [
            new("root", TestTrent.AccessKeyId, TestTrent.SecretAccessKey),
            new("user without policies", nobodyId, nobodySecret),
            new("read-only user", readerId, readerSecret),
            new("role session", session.AccessKeyId, session.SecretAccessKey, session.SessionToken),
        ];
        return (targets, callers);
    }

    private sealed record Result(string Surface, string Operation, int Status, string? Code, string? RequestId, string? Failure, string Request, string Body);
}
