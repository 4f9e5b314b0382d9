using Amazon.KeyManagementService;

namespace Trent.Tests.Infrastructure;

/// <summary>One server shared by the tests of a class, for tests that do not depend on global state.</summary>
public sealed class SharedTrent : IAsyncLifetime
{
    private TestTrent? _trent;

    public TestTrent Trent => _trent ?? throw new InvalidOperationException("The server has not started.");

    public AmazonKeyManagementServiceClient Kms { get; private set; } = null!;

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
}
