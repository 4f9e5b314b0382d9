using Trent.Server;

namespace Trent.Testing;

/// <summary>What a test may choose about its <see cref="TrentTestServer"/>.</summary>
public sealed class TrentTestServerOptions
{
    /// <summary>The Region of the ready client (default <c>us-east-1</c>).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The account of the administrator (default <c>111122223333</c>).</summary>
    public string AccountId { get; set; } = "111122223333";

    /// <summary>Any other server setting (quotas, cache lifetimes...), applied last.</summary>
    public Action<TrentServerOptions>? ConfigureServer { get; set; }
}
