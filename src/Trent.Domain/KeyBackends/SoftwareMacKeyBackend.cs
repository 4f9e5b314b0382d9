using Trent.Crypto.Macs;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.KeyBackends;

/// <summary>HMAC keys generated or imported into Trent, sealed under the key hierarchy and unsealed into the vault's
/// cache; each call leases the cached key for the length of one MAC.</summary>
public sealed class SoftwareMacKeyBackend(KeyMaterialVault vault) : IMacKeyBackend
{
    public async ValueTask<byte[]> GenerateMacAsync(KeyRecord key, byte[] message, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return Hmac.Compute(KeySpecRules.HmacHash(key.KeySpec), lease.Key, message);
    }

    public async ValueTask<bool> VerifyMacAsync(KeyRecord key, byte[] message, byte[] mac, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return Hmac.Verify(KeySpecRules.HmacHash(key.KeySpec), lease.Key, message, mac);
    }
}
