using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.KeyBackends;

namespace Trent.Domain.Cryptography;

/// <summary>GetPublicKey: the DER SubjectPublicKeyInfo of an asymmetric key, derived from its sealed private key.</summary>
public sealed class PublicKeyService(CryptoKeyAccess access, KeyBackendSelector backends)
{
    public async Task<PublicKeyResult> GetPublicKeyAsync(RequestContext context, string keyId, CancellationToken cancellationToken)
    {
        var key = await access.ResolveForUseAsync(context, keyId, "kms:GetPublicKey", "GetPublicKey", usage: null, cancellationToken).ConfigureAwait(false);
        if (!KeySpecRules.IsAsymmetric(key.KeySpec))
        {
            throw KmsErrors.Unsupported($"{key.Arn} key spec is {key.KeySpec}; GetPublicKey is only valid for asymmetric KMS keys.");
        }

        return new PublicKeyResult(key, await backends.Asymmetric(key).GetPublicKeyAsync(key, cancellationToken).ConfigureAwait(false));
    }
}
