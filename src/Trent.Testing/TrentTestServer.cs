using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Trent.Server;

namespace Trent.Testing;

/// <summary>
/// A real Trent server in this process, for tests: a free loopback port, state in a temporary directory that
/// is removed on dispose, an administrator with fresh random credentials, and a ready KMS client.
/// <code>
/// await using var trent = await TrentTestServer.StartAsync();
/// var key = await trent.Kms.CreateKeyAsync(new CreateKeyRequest());
/// </code>
/// Every request is authenticated, authorized and audited as in production; only the data is throw-away.
/// </summary>
public sealed class TrentTestServer : IAsyncDisposable
{
    private readonly TrentServer _server;
    private readonly string _directory;

    private TrentTestServer(TrentServer server, string directory, TrentTestServerOptions options, string accessKeyId, string secretAccessKey)
    {
        _server = server;
        _directory = directory;
        Endpoint = new Uri(server.Urls.First());
        Region = options.Region;
        AccountId = options.AccountId;
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        Kms = CreateClient();
    }

    /// <summary>The server's URL, e.g. <c>http://127.0.0.1:41234</c>: any AWS SDK's endpoint (or <c>AWS_ENDPOINT_URL</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>The Region <see cref="Kms"/> signs for (the server serves every Region).</summary>
    public string Region { get; }

    /// <summary>The administrator's account.</summary>
    public string AccountId { get; }

    /// <summary>The administrator's (account root's) access key ID, for other clients.</summary>
    public string AccessKeyId { get; }

    /// <summary>The administrator's secret access key.</summary>
    public string SecretAccessKey { get; }

    /// <summary>A client of the administrator in <see cref="Region"/>, disposed with the server.</summary>
    public IAmazonKeyManagementService Kms { get; }

    /// <summary>Starts a server; <paramref name="configure"/> may change the Region, account or other settings.</summary>
    public static async Task<TrentTestServer> StartAsync(Action<TrentTestServerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new TrentTestServerOptions();
        configure?.Invoke(options);
        var directory = Path.Combine(Path.GetTempPath(), "trent-testing", Guid.NewGuid().ToString("N"));
        var accessKeyId = "AKIA" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
        var secretAccessKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var serverOptions = new TrentServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Data = directory,
            Region = options.Region,
            AccountId = options.AccountId,
            AdminAccessKeyId = accessKeyId,
            AdminSecretAccessKey = secretAccessKey,
            NodeName = "test",
        };
        options.ConfigureServer?.Invoke(serverOptions);
        TrentServer? server = null;
        try
        {
            server = await TrentServer.CreateAsync(serverOptions, clock: null, cancellationToken).ConfigureAwait(false);
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return new TrentTestServer(server, directory, options, accessKeyId, secretAccessKey);
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            TryDelete(directory);
            throw;
        }
    }

    /// <summary>A new administrator client signing for <paramref name="region"/> (default <see cref="Region"/>); the caller disposes it.</summary>
    public AmazonKeyManagementServiceClient CreateClient(string? region = null) =>
        new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = Endpoint.ToString(),
            AuthenticationRegion = region ?? Region,
        });

    /// <summary>Stops the server and removes its state.</summary>
    public async ValueTask DisposeAsync()
    {
        Kms.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
        TryDelete(_directory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary directory holds only this throw-away server's state.
        }
    }
}
