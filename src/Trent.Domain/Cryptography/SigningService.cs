using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.KeyBackends;

namespace Trent.Domain.Cryptography;

/// <summary>Sign and Verify with asymmetric SIGN_VERIFY keys; the private key stays in the key's backend.</summary>
public sealed class SigningService(CryptoKeyAccess access, KeyBackendSelector backends)
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

        var signature = await backends.Asymmetric(key).SignAsync(key, algorithm, message, messageType == MessageType.DIGEST, cancellationToken)
            .ConfigureAwait(false);
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

        return await backends.Asymmetric(key).VerifyAsync(key, algorithm, message, messageType == MessageType.DIGEST, signature, cancellationToken)
            .ConfigureAwait(false)
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
