using Trent.Domain.Keys;

namespace Trent.Domain.KeyBackends;

/// <summary>
/// Where an asymmetric key's private key lives and is used (RSA, ECC, SM2): the signing, public-key encryption and
/// key-agreement services ask it and never hold the private key. Today only software material has asymmetric keys;
/// a token-backed backend would implement this seam, as AWS_CLOUDHSM keys implement <see cref="IKeyBackend"/>.
/// </summary>
public interface IAsymmetricKeyBackend
{
    /// <summary>The DER SubjectPublicKeyInfo of the key's current material.</summary>
    ValueTask<byte[]> GetPublicKeyAsync(KeyRecord key, CancellationToken cancellationToken);

    ValueTask<byte[]> SignAsync(KeyRecord key, SigningAlgorithm algorithm, byte[] message, bool isDigest, CancellationToken cancellationToken);

    /// <summary>False when the signature does not verify.</summary>
    ValueTask<bool> VerifyAsync(
        KeyRecord key, SigningAlgorithm algorithm, byte[] message, bool isDigest, byte[] signature, CancellationToken cancellationToken);

    /// <summary>RSAES_OAEP_* or SM2PKE under the key's public key; the output carries no Trent header.</summary>
    ValueTask<byte[]> EncryptAsync(KeyRecord key, EncryptionAlgorithm algorithm, byte[] plaintext, CancellationToken cancellationToken);

    /// <summary>The plaintext (the caller wipes it); InvalidCiphertextException when it does not decrypt.</summary>
    ValueTask<byte[]> DecryptAsync(KeyRecord key, EncryptionAlgorithm algorithm, byte[] ciphertext, CancellationToken cancellationToken);

    /// <summary>ECDH (or SM2) with a caller's public key; null when that key is malformed or on another curve.</summary>
    ValueTask<byte[]?> DeriveSharedSecretAsync(KeyRecord key, byte[] peerPublicKey, CancellationToken cancellationToken);
}
