using Microsoft.Extensions.Logging;
using Trent.Crypto.Ciphertext;
using Trent.Crypto.Pkcs11;
using Trent.Domain.Cryptography;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Storage;

namespace Trent.Domain.KeyBackends;

/// <summary>
/// AWS_CLOUDHSM keys: AES-256 keys inside the token of their custom key store, labelled with the key ARN, used
/// for AES-GCM in the token (<see cref="Pkcs11Ciphertext"/>). A store that is not connected in this process, or a
/// token that stopped answering, makes the key unavailable (KMSInvalidStateException), as AWS answers for keys in
/// a disconnected store. A store that is CONNECTED but not yet in this process (after a restart, or connected on
/// another node) is logged in to on first use; one that another node disconnected is logged out of here within
/// <see cref="CustomKeyStoreConnections.StateRecheckInterval"/>.
/// </summary>
public sealed class Pkcs11KeyBackend(
    CustomKeyStoreConnections connections, ICustomKeyStoreStore stores, HsmOperationStats stats, ILogger<Pkcs11KeyBackend> logger) : IKeyBackend
{
    public byte Id => SymmetricCiphertext.Pkcs11Backend;

    public async ValueTask<EncryptResult> EncryptAsync(
        KeyRecord key, byte[] plaintext, IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken)
    {
        var token = await TokenOfAsync(key, cancellationToken).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var blob = await Pkcs11Ciphertext.EncryptAsync(
                token, key.Arn, KeyId.ToReference(key.KeyId), key.CurrentMaterialVersion, plaintext, encryptionContext, cancellationToken).ConfigureAwait(false);
            stats.Record(started, failed: false);
            return new EncryptResult(key, blob, EncryptionAlgorithm.SYMMETRIC_DEFAULT, KeyMaterialId: null);
        }
        catch (Exception e) when (e is Pkcs11TokenException or ObjectDisposedException)
        {
            throw Unavailable(key, started, e);
        }
    }

    public async ValueTask<DecryptResult?> DecryptAsync(
        KeyRecord key, CiphertextHeader header, byte[] ciphertextBlob, IReadOnlyDictionary<string, string>? encryptionContext,
        CancellationToken cancellationToken)
    {
        var token = await TokenOfAsync(key, cancellationToken).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // A ciphertext that does not authenticate is the caller's error, not the HSM's: not counted as one.
            var plaintext = await Pkcs11Ciphertext.TryDecryptAsync(token, key.Arn, ciphertextBlob, encryptionContext, cancellationToken).ConfigureAwait(false);
            stats.Record(started, failed: false);
            return plaintext is null ? null : new DecryptResult(key, plaintext, EncryptionAlgorithm.SYMMETRIC_DEFAULT, KeyMaterialId: null);
        }
        catch (Exception e) when (e is Pkcs11TokenException or ObjectDisposedException)
        {
            throw Unavailable(key, started, e);
        }
    }

    /// <summary>Counts and logs a token failure (the message names the PKCS#11 call and its return value, never a PIN
    /// or data) and makes the key unavailable to the caller.</summary>
    private KmsException Unavailable(KeyRecord key, long started, Exception failure)
    {
        stats.Record(started, failed: true);
        logger.LogWarning("The token of {CustomKeyStoreId} failed for {KeyArn}: {Reason}", key.CustomKeyStoreId, key.Arn, failure.Message);
        return KmsErrors.InvalidState(key.Arn, "unavailable");
    }

    private async ValueTask<Pkcs11Token> TokenOfAsync(KeyRecord key, CancellationToken cancellationToken)
    {
        if (key.CustomKeyStoreId is not { } id)
        {
            throw KmsErrors.InvalidState(key.Arn, "unavailable");
        }

        if (connections.Find(id) is { } token)
        {
            if (connections.ClaimStateRecheck(id)
                && await stores.GetAsync(key.AccountId, key.Region, id, cancellationToken).ConfigureAwait(false) is not { ConnectionState: ConnectionStates.Connected })
            {
                connections.Disconnect(id); // disconnected or deleted through another node: log out here too
                throw KmsErrors.InvalidState(key.Arn, "unavailable");
            }

            return token;
        }

        if (await stores.GetAsync(key.AccountId, key.Region, id, cancellationToken).ConfigureAwait(false) is { ConnectionState: ConnectionStates.Connected } store)
        {
            try
            {
                connections.Connect(store);
            }
            catch (Pkcs11TokenException)
            {
                // The token refuses or is gone: the key is unavailable, as below.
            }
        }

        return connections.Find(id) ?? throw KmsErrors.InvalidState(key.Arn, "unavailable");
    }
}
