using System.Security.Cryptography;
using Trent.Server;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// Several in-process Trent nodes sharing one PostgreSQL database and one root of trust (a root key file that all of
/// them read), each with its own data directory (audit trail) and node name, as a deployment runs them.
/// </summary>
public sealed class TrentNodes : IAsyncDisposable
{
    private readonly List<TestTrent> _nodes = [];

    private TrentNodes(string connectionString, string rootKeyFile)
    {
        ConnectionString = connectionString;
        RootKeyFile = rootKeyFile;
    }

    public string ConnectionString { get; }

    public string RootKeyFile { get; }

    public IReadOnlyList<TestTrent> Nodes => _nodes;

    public TestTrent this[int index] => _nodes[index];

    /// <summary>Starts <paramref name="count"/> nodes one after the other (the first one creates the schema and key hierarchy).</summary>
    /// <param name="clock">A domain clock all nodes share, when the test moves time.</param>
    public static async Task<TrentNodes> StartAsync(
        PostgresCluster cluster, int count, Action<TrentServerOptions>? configure = null, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null)
    {
        var nodes = new TrentNodes(await cluster.CreateDatabaseAsync(), NewRootKeyFile());
        try
        {
            for (var i = 0; i < count; i++)
            {
                await nodes.AddAsync(configure, clock);
            }
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }

        return nodes;
    }

    /// <summary>A root key file shared by the nodes, as an operator would copy it to each.</summary>
    public static string NewRootKeyFile()
    {
        var path = TestDirectories.New("root-") + ".key";
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(32));
        return path;
    }

    public async Task<TestTrent> AddAsync(Action<TrentServerOptions>? configure = null, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null)
    {
        var name = $"node-{(char)('a' + _nodes.Count)}";
        var node = await TestTrent.StartAsync(clock: clock, configure: o =>
        {
            Configure(o, name);
            configure?.Invoke(o);
        });
        _nodes.Add(node);
        return node;
    }

    /// <summary>The settings that make a node one of this set.</summary>
    public void Configure(TrentServerOptions options, string nodeName)
    {
        options.Store = ConnectionString;
        options.RootKeyFile = RootKeyFile;
        options.NodeName = nodeName;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        File.Delete(RootKeyFile);
    }
}
