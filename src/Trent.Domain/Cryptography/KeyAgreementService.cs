using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.KeyBackends;

namespace Trent.Domain.Cryptography;

/// <summary>DeriveSharedSecret: ECDH between a KEY_AGREEMENT key's private key and a caller's public key.</summary>
public sealed class KeyAgreementService(CryptoKeyAccess access, KeyBackendSelector backends)
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

        var secret = await backends.Asymmetric(key).DeriveSharedSecretAsync(key, peerPublicKey, cancellationToken).ConfigureAwait(false);

        // AWS answers a public key that is malformed or on another curve with an empty ValidationException.
        return new SharedSecretResult(key, secret ?? throw new KmsException(KmsErrorCode.Validation, null));
    }
}
