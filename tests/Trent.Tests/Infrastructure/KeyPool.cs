using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// A server and one key per key spec and usage, made on first use and shared by a test class: RSA 4096
/// key generation takes seconds, and the keys are not changed by the tests that share them.
/// </summary>
public sealed class KeyPool : IAsyncLifetime
{
    private readonly ConcurrentDictionary<(string Spec, string Usage), Lazy<Task<KeyMetadata>>> _keys = new();
    private TestTrent? _trent;

    public AmazonKeyManagementServiceClient Kms { get; private set; } = null!;

    public Task<KeyMetadata> GetAsync(string spec, string usage) =>
        _keys.GetOrAdd((spec, usage), k => new Lazy<Task<KeyMetadata>>(() => CreateAsync(k.Spec, k.Usage))).Value;

    public async Task InitializeAsync()
    {
        _trent = await TestTrent.StartAsync();
        Kms = _trent.Client();
    }

    public async Task DisposeAsync()
    {
        Kms.Dispose();
        if (_trent is not null)
        {
            await _trent.DisposeAsync();
        }
    }

    private async Task<KeyMetadata> CreateAsync(string spec, string usage) =>
        (await Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = usage })).KeyMetadata;
}
