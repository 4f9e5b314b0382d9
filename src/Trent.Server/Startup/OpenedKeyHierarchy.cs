using Trent.Crypto.RootOfTrust;
using Trent.Crypto.Sealing;

namespace Trent.Server.Startup;

/// <summary>The root of trust and the unwrapped domain keys of a running node; the server owns and wipes them.</summary>
internal sealed class OpenedKeyHierarchy(IRootOfTrust root, DomainKeyRing ring) : IDisposable
{
    public IRootOfTrust Root { get; } = root;

    public DomainKeyRing Ring { get; } = ring;

    public void Dispose()
    {
        Ring.Dispose();
        Root.Dispose();
    }
}
