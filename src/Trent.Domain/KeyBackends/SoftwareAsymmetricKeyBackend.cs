using Trent.Crypto.Asymmetric;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.KeyBackends;

/// <summary>Asymmetric private keys generated or imported into Trent, sealed under the key hierarchy and unsealed into
/// the vault's cache; each call leases the cached key for the length of one operation.</summary>
public sealed class SoftwareAsymmetricKeyBackend(KeyMaterialVault vault) : IAsymmetricKeyBackend
{
    public async ValueTask<byte[]> GetPublicKeyAsync(KeyRecord key, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return lease.PrivateKey.PublicKey;
    }

    public async ValueTask<byte[]> SignAsync(
        KeyRecord key, SigningAlgorithm algorithm, byte[] message, bool isDigest, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return SignatureSchemes.Sign(algorithm, lease.PrivateKey, message, isDigest);
    }

    public async ValueTask<bool> VerifyAsync(
        KeyRecord key, SigningAlgorithm algorithm, byte[] message, bool isDigest, byte[] signature, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return SignatureSchemes.Verify(algorithm, lease.PrivateKey, message, isDigest, signature);
    }

    public async ValueTask<byte[]> EncryptAsync(KeyRecord key, EncryptionAlgorithm algorithm, byte[] plaintext, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return AsymmetricCiphers.Encrypt(algorithm, lease.PrivateKey, plaintext);
    }

    public async ValueTask<byte[]> DecryptAsync(KeyRecord key, EncryptionAlgorithm algorithm, byte[] ciphertext, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return AsymmetricCiphers.Decrypt(algorithm, lease.PrivateKey, ciphertext);
    }

    public async ValueTask<byte[]?> DeriveSharedSecretAsync(KeyRecord key, byte[] peerPublicKey, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return key.KeySpec == KeySpec.SM2
            ? Sm2Keys.DeriveSharedSecret(lease.PrivateKey, peerPublicKey)
            : EcKeys.DeriveSharedSecret(lease.PrivateKey, peerPublicKey);
    }
}
