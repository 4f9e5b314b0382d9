using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.Cryptography;

/// <summary>Sign and Verify with asymmetric SIGN_VERIFY keys; the private key never leaves the vault.</summary>
public sealed class SigningService(CryptoKeyAccess access, KeyMaterialVault vault)
{
    public async Task<SignResult> SignAsync(
        RequestContext context,
        string keyId,
        byte[] message,
        MessageType? messageType,
        SigningAlgorithm algorithm,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        var key = await ResolveAsync(context, keyId, "kms:Sign", "Sign", algorithm, messageType, message.Length, cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        var signature = SignatureSchemes.Sign(algorithm, lease.PrivateKey, message, messageType == MessageType.DIGEST);
        return new SignResult(key, signature, algorithm);
    }

    /// <summary>Returns when the signature is valid; a signature that does not verify is KMSInvalidSignatureException.</summary>
    public async Task<KeyRecord> VerifyAsync(
        RequestContext context,
        string keyId,
        byte[] message,
        MessageType? messageType,
        byte[] signature,
        SigningAlgorithm algorithm,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        var key = await ResolveAsync(context, keyId, "kms:Verify", "Verify", algorithm, messageType, message.Length, cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return SignatureSchemes.Verify(algorithm, lease.PrivateKey, message, messageType == MessageType.DIGEST, signature)
            ? key
            : throw KmsErrors.InvalidSignature();
    }

    private async Task<KeyRecord> ResolveAsync(
        RequestContext context,
        string keyId,
        string action,
        string operation,
        SigningAlgorithm algorithm,
        MessageType? messageType,
        int messageLength,
        CancellationToken cancellationToken)
    {
        context.Conditions.SigningAlgorithm = algorithm.ToString();
        context.Conditions.MessageType = (messageType ?? MessageType.RAW).ToString();
        var key = await access.ResolveForUseAsync(context, keyId, action, operation, KeyUsage.SIGN_VERIFY, cancellationToken).ConfigureAwait(false);
        if (!KeySpecRules.SigningAlgorithms(key).Contains(algorithm))
        {
            throw KmsErrors.IncompatibleAlgorithm(algorithm.ToString(), key.KeySpec.ToString());
        }

        SignatureSchemes.CheckMessage(algorithm, messageType ?? MessageType.RAW, messageLength);
        return key;
    }
}
