using Trent.Crypto.Ciphertext;

namespace Trent.Crypto.Pkcs11;

/// <summary>
/// Symmetric ciphertext (format 2, backend <see cref="SymmetricCiphertext.Pkcs11Backend"/>) sealed by an AES-256
/// key inside a token: AES-GCM runs in the token with the blob's random IV and the same associated data as software
/// blobs (header and canonical encryption context). The token key is used directly: it cannot feed the SP 800-108
/// derivation without leaving the token, so the derivation nonce is random, authenticated and otherwise unused
/// (see docs/ciphertext-format.md).
/// </summary>
public static class Pkcs11Ciphertext
{
    public static async ValueTask<byte[]> EncryptAsync(
        Pkcs11Token token, string keyLabel, byte[] keyReference, uint materialVersion, byte[] plaintext,
        IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken)
    {
        var blob = SymmetricCiphertext.NewBlob(keyReference, materialVersion, SymmetricCiphertext.Pkcs11Backend, plaintext.Length);
        var iv = blob.AsSpan(SymmetricCiphertext.IvOffset, SymmetricCiphertext.IvSize).ToArray();
        var aad = SymmetricCiphertext.AssociatedData(blob, encryptionContext);
        var sealedText = await token.RunWithKeyAsync(keyLabel, (session, key) => Pkcs11AesKeys.EncryptGcm(session, key, iv, aad, plaintext), cancellationToken)
            .ConfigureAwait(false);
        if (sealedText.Length != plaintext.Length + SymmetricCiphertext.TagSize)
        {
            throw new Pkcs11TokenException(Pkcs11Failure.OperationFailed, $"{token.Address} returned {sealedText.Length} bytes for AES-GCM of {plaintext.Length}.");
        }

        sealedText.CopyTo(blob, SymmetricCiphertext.HeaderSize);
        return blob;
    }

    /// <returns>null when the blob is not from this backend or does not authenticate (wrong key, context or bytes).</returns>
    /// <exception cref="Pkcs11TokenException">The token is unavailable or the key is gone.</exception>
    public static async ValueTask<byte[]?> TryDecryptAsync(
        Pkcs11Token token, string keyLabel, byte[] blob, IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken)
    {
        if (!SymmetricCiphertext.IsVersion2From(blob, SymmetricCiphertext.Pkcs11Backend))
        {
            return null;
        }

        var iv = blob.AsSpan(SymmetricCiphertext.IvOffset, SymmetricCiphertext.IvSize).ToArray();
        var aad = SymmetricCiphertext.AssociatedData(blob, encryptionContext);
        var sealedText = blob.AsSpan(SymmetricCiphertext.HeaderSize).ToArray();
        try
        {
            return await token.RunWithKeyAsync(keyLabel, (session, key) => Pkcs11AesKeys.DecryptGcm(session, key, iv, aad, sealedText), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Pkcs11TokenException e) when (e.Failure == Pkcs11Failure.OperationFailed)
        {
            return null; // SoftHSM answers a tag mismatch with CKR_GENERAL_ERROR, others with CKR_ENCRYPTED_DATA_INVALID
        }
    }
}
