using Trent.Crypto.Asymmetric;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.Cryptography;

/// <summary>DeriveSharedSecret: ECDH between a KEY_AGREEMENT key's private key and a caller's public key.</summary>
public sealed class KeyAgreementService(CryptoKeyAccess access, KeyMaterialVault vault)
{
    public async Task<SharedSecretResult> DeriveSharedSecretAsync(
        RequestContext context, string keyId, KeyAgreementAlgorithm algorithm, byte[] peerPublicKey, bool dryRun, CancellationToken cancellationToken)
    {
        context.Conditions.KeyAgreementAlgorithm = algorithm.ToString();
        var key = await access.ResolveForUseAsync(context, keyId, "kms:DeriveSharedSecret", "DeriveSharedSecret", KeyUsage.KEY_AGREEMENT, cancellationToken)
            .ConfigureAwait(false);
        if (!KeySpecRules.KeyAgreementAlgorithms(key).Contains(algorithm))
        {
            throw KmsErrors.IncompatibleAlgorithm(algorithm.ToString(), key.KeySpec.ToString());
        }

        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        var secret = key.KeySpec == KeySpec.SM2
            ? Sm2Keys.DeriveSharedSecret(lease.PrivateKey, peerPublicKey)
            : EcKeys.DeriveSharedSecret(lease.PrivateKey, peerPublicKey);

        // AWS answers a public key that is malformed or on another curve with an empty ValidationException.
        return new SharedSecretResult(key, secret ?? throw new KmsException(KmsErrorCode.Validation, null));
    }
}
