using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Storage;

namespace Trent.Domain.Keys;

/// <summary>
/// Turns the KeyId a caller sent (key ID, key ARN, alias name or alias ARN) into a stored key, with AWS's
/// errors for each way that can fail, and records the key on the request for the audit trail.
/// </summary>
public sealed class KeyResolver(IKeyStore keys, IAliasStore aliases, KeyCache cache)
{
    /// <param name="fresh">Read the database, not the cache: for read-check-write updates.</param>
    public async ValueTask<KeyRecord> ResolveAsync(
        RequestContext context, string identifier, KeyIdForms forms, CancellationToken cancellationToken, bool fresh = false)
    {
        var (accountId, keyId) = await LocateAsync(context, identifier, forms, cancellationToken).ConfigureAwait(false);
        var key = await FindAsync(accountId, context.Region.Name, keyId, fresh, cancellationToken).ConfigureAwait(false)
            ?? throw KmsErrors.KeyNotFound(KeyArn.Format(context.Region.Partition, context.Region.Name, accountId, keyId));
        context.AddResource(key.Arn);
        return key;
    }

    /// <summary>The key of that account and Region, from the cache unless <paramref name="fresh"/>; null if there is none.</summary>
    public async ValueTask<KeyRecord?> FindAsync(string accountId, string region, string keyId, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && cache.GetKey(accountId, region, keyId) is { } cached)
        {
            return cached;
        }

        var stamp = cache.Stamp;
        var key = await keys.GetKeyAsync(accountId, region, keyId, cancellationToken).ConfigureAwait(false);
        if (key is not null)
        {
            cache.SetKey(key, stamp);
        }

        return key;
    }

    /// <summary>Finds the account and key ID an identifier names, without loading the key.</summary>
    public async ValueTask<(string AccountId, string KeyId)> LocateAsync(
        RequestContext context, string identifier, KeyIdForms forms, CancellationToken cancellationToken)
    {
        var accountId = context.Caller.AccountId;
        string? aliasName = null;
        string? keyId;

        if (identifier.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!KeyArn.TryParse(identifier, out var arn))
            {
                throw KmsErrors.InvalidArn(identifier);
            }

            if (!string.Equals(arn.Region, context.Region.Name, StringComparison.Ordinal))
            {
                throw KmsErrors.InvalidArnRegion(arn.Region);
            }

            accountId = arn.AccountId;
            if (arn.IsAlias)
            {
                aliasName = arn.Resource;
                keyId = null;
            }
            else if (!KeyId.TryNormalize(arn.Resource, out keyId))
            {
                throw KmsErrors.InvalidKeyId(arn.Resource);
            }
        }
        else if (identifier.StartsWith("alias/", StringComparison.Ordinal))
        {
            aliasName = identifier;
            keyId = null;
        }
        else if (!KeyId.TryNormalize(identifier, out keyId))
        {
            throw KmsErrors.InvalidKeyId(identifier);
        }

        if (aliasName is not null)
        {
            context.Conditions.RequestAlias = aliasName;
            if (forms != KeyIdForms.KeyOrAlias)
            {
                throw KmsErrors.InvalidKeyId(identifier);
            }

            var region = context.Region;
            var alias = cache.GetAlias(accountId, region.Name, aliasName);
            if (alias is null)
            {
                var stamp = cache.Stamp;
                alias = await aliases.GetAliasAsync(accountId, region.Name, aliasName, cancellationToken).ConfigureAwait(false)
                    ?? throw KmsErrors.AliasNotFound(KeyArn.FormatAlias(region.Partition, region.Name, accountId, aliasName));
                cache.SetAlias(alias, stamp);
            }

            keyId = alias.TargetKeyId;
        }

        return (accountId, keyId!);
    }
}
