using Trent.Crypto.Ciphertext;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.KeyBackends;

/// <summary>Key material generated or imported into Trent, sealed under the key hierarchy and unsealed into the
/// vault's cache: the hot path takes a lease on cached material and allocates only the result.</summary>
public sealed class SoftwareKeyBackend(KeyMaterialVault vault) : IKeyBackend
{
    public byte Id => SymmetricCiphertext.SoftwareBackend;

    public async ValueTask<EncryptResult> EncryptAsync(
        KeyRecord key, byte[] plaintext, IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        var blob = SymmetricCiphertext.Encrypt(lease.Key, KeyId.ToReference(key.KeyId), lease.Version, plaintext, encryptionContext);
        return new EncryptResult(key, blob, EncryptionAlgorithm.SYMMETRIC_DEFAULT, lease.KeyMaterialId);
    }

    public async ValueTask<DecryptResult?> DecryptAsync(
        KeyRecord key, CiphertextHeader header, byte[] ciphertextBlob, IReadOnlyDictionary<string, string>? encryptionContext,
        CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, header.MaterialVersion, cancellationToken).ConfigureAwait(false);
        return SymmetricCiphertext.TryDecrypt(lease.Key, ciphertextBlob, encryptionContext, out var plaintext)
            ? new DecryptResult(key, plaintext, EncryptionAlgorithm.SYMMETRIC_DEFAULT, lease.KeyMaterialId)
            : null;
    }
}
