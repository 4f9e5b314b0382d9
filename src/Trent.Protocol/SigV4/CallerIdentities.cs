using Trent.Domain.Auth;
using Trent.Domain.Identity;

namespace Trent.Protocol.SigV4;

/// <summary>Loading the caller's identity is the last step of authentication: credentials whose user or role was
/// deleted (or re-created, so has another unique ID) are refused as AWS refuses revoked credentials.</summary>
public static class CallerIdentities
{
    public static async ValueTask<CallerIdentity?> LoadOrRefuseAsync(this CallerIdentityLoader loader, Principal principal, CancellationToken cancellationToken)
    {
        var identity = await loader.LoadAsync(principal, cancellationToken).ConfigureAwait(false);
        return identity is { Exists: false } ? throw SigV4Errors.UnrecognizedClient() : identity;
    }
}
