using Amazon.KeyManagementService;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Trent.Server;

namespace Trent.Tests.Infrastructure;

/// <summary>A real Trent server on a loopback port with its own data directory, and SDK clients for it.</summary>
public sealed class TestTrent : IAsyncDisposable
{
    public const string AccessKeyId = "AKIATRENTTESTADMIN01";
    public const string SecretAccessKey = "trent/test/secret/key/0123456789abcdefghij";
    /// <summary>The Region the tests' clients sign for: us-east-1, or TRENT_TEST_REGION (the suite must pass in any).</summary>
    public static readonly string Region = Environment.GetEnvironmentVariable("TRENT_TEST_REGION") is { Length: > 0 } region ? region : "us-east-1";

    /// <summary>The partition of <see cref="Region"/>, as ARNs carry it.</summary>
    public static readonly string Partition = Trent.Domain.Regions.RegionCatalog.Get(Region).Partition;

    /// <summary>A served Region that is not <see cref="Region"/>.</summary>
    public static readonly string OtherRegion = Region == "us-west-2" ? "eu-west-1" : "us-west-2";
    public const string AccountId = "111122223333";

    private readonly bool _ownsDirectory;

    private TestTrent(TrentServer server, string dataDirectory, bool ownsDirectory, FakeTimeProvider? clock)
    {
        Server = server;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        Clock = clock;
        Url = server.Urls[0];
    }

    public TrentServer Server { get; }

    public string DataDirectory { get; }

    public string Url { get; }

    /// <summary>The domain clock, when the test asked for a fake one.</summary>
    public FakeTimeProvider? Clock { get; }

    public static async Task<TestTrent> StartAsync(
        string? dataDirectory = null,
        FakeTimeProvider? clock = null,
        Action<TrentServerOptions>? configure = null)
    {
        var ownsDirectory = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        var options = new TrentServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Data = dataDirectory,
            Region = Region,
            AccountId = AccountId,
            AdminAccessKeyId = AccessKeyId,
            AdminSecretAccessKey = SecretAccessKey,
            MaintenanceInterval = TimeSpan.FromMilliseconds(200),
            NodeName = "test",
            AuditSegmentBytes = 256 * 1024,
            Store = await TestStores.StoreForAsync(dataDirectory),
        };
        configure?.Invoke(options);
        var server = await TrentServer.CreateAsync(options, clock);
        await server.StartAsync();
        return new TestTrent(server, dataDirectory, ownsDirectory, clock);
    }

    public static string NewDataDirectory() => TestDirectories.New();

    public AmazonKeyManagementServiceClient Client(string? accessKeyId = null, string? secret = null) =>
        new(new BasicAWSCredentials(accessKeyId ?? AccessKeyId, secret ?? SecretAccessKey), Config(Url));

    /// <summary>A client of the administrator signing for <paramref name="region"/>: one endpoint serves every Region.</summary>
    public AmazonKeyManagementServiceClient ClientIn(string region) =>
        new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), Config(Url, region));

    public static AmazonKeyManagementServiceConfig Config(string url, string? region = null) => new()
    {
        ServiceURL = url,
        AuthenticationRegion = region ?? Region,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public string KeyArn(string keyId) => $"arn:{Partition}:kms:{Region}:{AccountId}:key/{keyId}";

    public async Task StopAsync() => await Server.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_ownsDirectory)
        {
            TryDelete(DataDirectory);
        }
    }

    public static void TryDelete(string directory) => TestDirectories.TryDelete(directory);
}
