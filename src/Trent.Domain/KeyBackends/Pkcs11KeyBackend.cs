using Trent.Crypto.Ciphertext;
using Trent.Crypto.Pkcs11;
using Trent.Domain.Cryptography;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.KeyBackends;

/// <summary>
/// AWS_CLOUDHSM keys: AES-256 keys inside the token of their custom key store, labelled with the key ARN, used
/// for AES-GCM in the token (<see cref="Pkcs11Ciphertext"/>). A store that is not connected in this process, or a
/// token that stopped answering, makes the key unavailable (KMSInvalidStateException), as AWS answers for keys in
/// a disconnected store.
/// </summary>
public sealed class Pkcs11KeyBackend(CustomKeyStoreConnections connections) : IKeyBackend
{
    public byte Id => SymmetricCiphertext.Pkcs11Backend;

    public ValueTask<EncryptResult> EncryptAsync(
        KeyRecord key, byte[] plaintext, IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken)
    {
        var token = TokenOf(key);
        try
        {
            var blob = Pkcs11Ciphertext.Encrypt(token, key.Arn, KeyId.ToReference(key.KeyId), key.CurrentMaterialVersion, plaintext, encryptionContext);
            return ValueTask.FromResult(new EncryptResult(key, blob, EncryptionAlgorithm.SYMMETRIC_DEFAULT, KeyMaterialId: null));
        }
        catch (Exception e) when (e is Pkcs11TokenException or ObjectDisposedException)
        {
            throw KmsErrors.InvalidState(key.Arn, "unavailable");
        }
    }

    public ValueTask<DecryptResult?> DecryptAsync(
        KeyRecord key, CiphertextHeader header, byte[] ciphertextBlob, IReadOnlyDictionary<string, string>? encryptionContext,
        CancellationToken cancellationToken)
    {
        var token = TokenOf(key);
        try
        {
            return ValueTask.FromResult(Pkcs11Ciphertext.TryDecrypt(token, key.Arn, ciphertextBlob, encryptionContext, out var plaintext)
                ? new DecryptResult(key, plaintext, EncryptionAlgorithm.SYMMETRIC_DEFAULT, KeyMaterialId: null)
                : null);
        }
        catch (Exception e) when (e is Pkcs11TokenException or ObjectDisposedException)
        {
            throw KmsErrors.InvalidState(key.Arn, "unavailable");
        }
    }

    private Pkcs11Token TokenOf(KeyRecord key) =>
        key.CustomKeyStoreId is { } id && connections.Find(id) is { } token ? token : throw KmsErrors.InvalidState(key.Arn, "unavailable");
}
