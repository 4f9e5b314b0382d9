using Trent.Domain.Keys;

namespace Trent.Domain.KeyBackends;

/// <summary>Where an HMAC key lives and is used: the MAC service asks it and never holds the key.</summary>
public interface IMacKeyBackend
{
    /// <summary>The HMAC of the message under the key's current material, with the hash of its key spec.</summary>
    ValueTask<byte[]> GenerateMacAsync(KeyRecord key, byte[] message, CancellationToken cancellationToken);

    /// <summary>Compares in constant time; false when the MAC does not match.</summary>
    ValueTask<bool> VerifyMacAsync(KeyRecord key, byte[] message, byte[] mac, CancellationToken cancellationToken);
}
