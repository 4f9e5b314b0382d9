using Trent.Crypto.Ciphertext;
using Trent.Domain.Cryptography;
using Trent.Domain.Keys;

namespace Trent.Domain.KeyBackends;

/// <summary>
/// Where a symmetric key's material lives and is used: the domain services ask the key's backend to encrypt and
/// decrypt and never hold the material themselves. Software material (sealed under the key hierarchy) is one
/// backend; a PKCS#11 token (AWS_CLOUDHSM custom key stores) another. Each writes its own byte into the ciphertext
/// header, so a blob says which backend made it.
/// </summary>
public interface IKeyBackend
{
    /// <summary>The ciphertext header's backend byte.</summary>
    byte Id { get; }

    /// <summary>Encrypts under the key's current material into a symmetric ciphertext blob.</summary>
    ValueTask<EncryptResult> EncryptAsync(
        KeyRecord key, byte[] plaintext, IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken);

    /// <summary>Decrypts a blob of this backend; null when it does not authenticate (InvalidCiphertextException).</summary>
    ValueTask<DecryptResult?> DecryptAsync(
        KeyRecord key, CiphertextHeader header, byte[] ciphertextBlob, IReadOnlyDictionary<string, string>? encryptionContext,
        CancellationToken cancellationToken);
}
