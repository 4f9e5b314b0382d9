using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// A shared server and one key per key spec and usage, made on first use and shared by a test class: RSA 4096
/// key generation takes seconds, and the keys are not changed by the tests that share them.
/// </summary>
public sealed class KeyPool : IAsyncLifetime
{
    private readonly ConcurrentDictionary<(string Spec, string Usage), Lazy<Task<KeyMetadata>>> _keys = new();
    private readonly SharedTrent _server = new();

    public AmazonKeyManagementServiceClient Kms => _server.Kms;

    public Task<KeyMetadata> GetAsync(string spec, string usage) =>
        _keys.GetOrAdd((spec, usage), k => new Lazy<Task<KeyMetadata>>(() => CreateAsync(k.Spec, k.Usage))).Value;

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private async Task<KeyMetadata> CreateAsync(string spec, string usage) =>
        (await Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = usage })).KeyMetadata;
}
