using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Paging;
using Trent.Domain.Storage;

namespace Trent.Domain.Aliases;

/// <summary>CreateAlias, UpdateAlias, DeleteAlias and ListAliases.</summary>
public sealed class AliasService(
    IAliasStore aliases,
    KeyResolver resolver,
    KeyCache cache,
    IAuthorizer authorizer,
    TimeProvider clock)
{
    public const int MaxAliasesPerKey = 50;
    private const string AliasPrefix = "alias/";
    private const string ReservedPrefix = "alias/aws/";
    private const string AliasListName = "aliases";

    public async Task CreateAliasAsync(RequestContext context, string aliasName, string targetKeyId, CancellationToken cancellationToken)
    {
        ValidateName(aliasName, naming: true);
        var accountId = context.Caller.AccountId;
        var key = await resolver.ResolveAsync(context, targetKeyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        RequireOwnAccount(key, accountId);
        await authorizer.AuthorizeAsync(context, "kms:CreateAlias", key, cancellationToken).ConfigureAwait(false);
        KeyStateRules.RequireNotPendingDeletion(key);
        var now = clock.GetUtcNow();
        var alias = new AliasRecord(accountId, context.Region.Name, aliasName, key.KeyId, now, now);
        // The store counts and inserts at once: a count here first would let concurrent creates pass the limit.
        switch (await aliases.TryCreateAliasAsync(alias, MaxAliasesPerKey, cancellationToken).ConfigureAwait(false))
        {
            case AliasCreation.LimitExceeded:
                throw KmsErrors.LimitExceeded($"A KMS key can have at most {MaxAliasesPerKey} aliases; {key.Arn} has {MaxAliasesPerKey}.");
            case AliasCreation.NameTaken:
                throw KmsErrors.AliasExists(AliasArn(context, accountId, aliasName));
        }

        context.AddResource(AliasArn(context, accountId, aliasName));
    }

    public async Task UpdateAliasAsync(RequestContext context, string aliasName, string targetKeyId, CancellationToken cancellationToken)
    {
        ValidateName(aliasName, naming: true);
        var accountId = context.Caller.AccountId;
        var alias = await aliases.GetAliasAsync(accountId, context.Region.Name, aliasName, cancellationToken).ConfigureAwait(false)
            ?? throw KmsErrors.AliasNotFound(AliasArn(context, accountId, aliasName));
        context.AddResource(AliasArn(context, accountId, aliasName));
        var newKey = await resolver.ResolveAsync(context, targetKeyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        RequireOwnAccount(newKey, accountId);
        await authorizer.AuthorizeAsync(context, "kms:UpdateAlias", newKey, cancellationToken).ConfigureAwait(false);
        KeyStateRules.RequireNotPendingDeletion(newKey);

        var oldKey = await resolver.ResolveAsync(context, alias.TargetKeyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:UpdateAlias", oldKey, cancellationToken).ConfigureAwait(false);
        if (oldKey.KeyUsage != newKey.KeyUsage || KeyFamily(oldKey.KeySpec) != KeyFamily(newKey.KeySpec))
        {
            throw KmsErrors.Validation(
                $"{newKey.Arn} is not the same type of key as {oldKey.Arn}: an alias can only move to a key of the same key type and key usage.");
        }

        cache.RemoveAlias(accountId, context.Region.Name, aliasName);
        if (!await aliases.TryUpdateAliasAsync(accountId, context.Region.Name, aliasName, newKey.KeyId, clock.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false))
        {
            throw KmsErrors.AliasNotFound(AliasArn(context, accountId, aliasName));
        }
    }

    public async Task DeleteAliasAsync(RequestContext context, string aliasName, CancellationToken cancellationToken)
    {
        ValidateName(aliasName);
        var accountId = context.Caller.AccountId;
        var alias = await aliases.GetAliasAsync(accountId, context.Region.Name, aliasName, cancellationToken).ConfigureAwait(false)
            ?? throw KmsErrors.AliasNotFound(AliasArn(context, accountId, aliasName));
        context.AddResource(AliasArn(context, accountId, aliasName));
        var key = await resolver.ResolveAsync(context, alias.TargetKeyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:DeleteAlias", key, cancellationToken).ConfigureAwait(false);
        cache.RemoveAlias(accountId, context.Region.Name, aliasName);
        if (!await aliases.DeleteAliasAsync(accountId, context.Region.Name, aliasName, cancellationToken).ConfigureAwait(false))
        {
            throw KmsErrors.AliasNotFound(AliasArn(context, accountId, aliasName));
        }
    }

    public async Task<Page<AliasRecord>> ListAliasesAsync(
        RequestContext context, string? keyId, int limit, string? marker, CancellationToken cancellationToken)
    {
        string? targetKeyId = null;
        var accountId = context.Caller.AccountId;
        if (keyId is not null)
        {
            var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
            // Aliases are the caller's own: another account's key has none of them (its owner's are not listed).
            targetKeyId = key.KeyId;
        }

        await authorizer.AuthorizeAsync(context, "kms:ListAliases", key: null, cancellationToken).ConfigureAwait(false);
        var after = PageMarker.Decode(AliasListName, marker, name => name.StartsWith(AliasPrefix, StringComparison.Ordinal));
        var page = await aliases.ListAliasesAsync(accountId, context.Region.Name, targetKeyId, after, limit + 1, cancellationToken)
            .ConfigureAwait(false);
        return page.Count > limit
            ? new Page<AliasRecord>([.. page.Take(limit)], PageMarker.Encode(AliasListName, page[limit - 1].AliasName))
            : new Page<AliasRecord>(page, null);
    }

    public static string AliasArn(RequestContext context, string accountId, string aliasName) =>
        KeyArn.FormatAlias(context.Region.Partition, context.Region.Name, accountId, aliasName);

    /// <summary>
    /// An alias lives in the caller's account and Region and names a key of that same account: another
    /// account's key, even one shared with the caller, is not a key the caller's aliases can name.
    /// </summary>
    private static void RequireOwnAccount(KeyRecord key, string accountId)
    {
        if (key.AccountId != accountId)
        {
            throw KmsErrors.KeyNotFound(key.Arn);
        }
    }

    /// <param name="naming">CreateAlias and UpdateAlias also hold the name to AWS's character rule: the model's
    /// pattern admits ':', which the service refuses (an alias ARN would not parse).</param>
    private static void ValidateName(string aliasName, bool naming = false)
    {
        if (!aliasName.StartsWith(AliasPrefix, StringComparison.Ordinal) || aliasName.Length == AliasPrefix.Length)
        {
            throw KmsErrors.Validation(
                "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        }

        if (aliasName.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorCode.InvalidAliasName, $"Alias {aliasName} cannot begin with the reserved prefix {ReservedPrefix}.");
        }

        if (naming && aliasName.Contains(':', StringComparison.Ordinal))
        {
            throw KmsErrors.Validation($"{aliasName} contains invalid characters for an alias");
        }
    }

    private static string KeyFamily(KeySpec spec) => spec switch
    {
        KeySpec.SYMMETRIC_DEFAULT => "symmetric",
        KeySpec.HMAC_224 or KeySpec.HMAC_256 or KeySpec.HMAC_384 or KeySpec.HMAC_512 => "hmac",
        _ => "asymmetric",
    };
}
