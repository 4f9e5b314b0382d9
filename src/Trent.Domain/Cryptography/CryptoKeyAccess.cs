using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.Cryptography;

/// <summary>
/// The first steps of every cryptographic operation, in AWS's order: resolve the key (aliases allowed),
/// authorize, check the key state, then the key usage.
/// </summary>
public sealed class CryptoKeyAccess(KeyResolver resolver, IAuthorizer authorizer)
{
    /// <param name="action">The IAM action, e.g. <c>kms:Sign</c>.</param>
    /// <param name="operation">The operation name AWS puts in key-usage errors, e.g. <c>Sign</c>.</param>
    /// <param name="usage">The key usage the operation needs; null for any (GetPublicKey).</param>
    public async ValueTask<KeyRecord> ResolveForUseAsync(
        RequestContext context, string keyId, string action, string operation, KeyUsage? usage, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, action, key, cancellationToken).ConfigureAwait(false);
        RequireUsage(key, operation, usage);
        return key;
    }

    public static void RequireUsage(KeyRecord key, string operation, KeyUsage? usage)
    {
        KeyStateRules.RequireUsable(key);
        if (usage is not null && key.KeyUsage != usage)
        {
            throw KmsErrors.WrongKeyUsage(key.Arn, key.KeyUsage.ToString(), operation);
        }
    }
}
