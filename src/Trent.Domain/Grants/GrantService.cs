using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Paging;
using Trent.Domain.Storage;

namespace Trent.Domain.Grants;

/// <summary>CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant.</summary>
public sealed class GrantService(
    IGrantStore store,
    KeyResolver resolver,
    IAuthorizer authorizer,
    TimeProvider clock,
    int maxGrantsPerKey = GrantService.DefaultMaxGrantsPerKey)
{
    /// <summary>AWS's default quota of grants per KMS key (reference digest §8.2).</summary>
    public const int DefaultMaxGrantsPerKey = 50_000;

    private const string GrantListName = "grants";
    private const string RetirableListName = "retirable-grants";

    public static readonly IReadOnlyList<string> AllOperations =
    [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify",
        "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
        "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    ];

    public async Task<(string GrantId, string GrantToken)> CreateGrantAsync(RequestContext context, CreateGrantInput input, CancellationToken cancellationToken)
    {
        if ((input.GranteePrincipal is null) == (input.GranteeServicePrincipal is null))
        {
            throw KmsErrors.Validation("You must specify exactly one of GranteePrincipal and GranteeServicePrincipal.");
        }

        if (input.RetiringPrincipal is not null && input.RetiringServicePrincipal is not null)
        {
            throw KmsErrors.Validation("You can specify at most one of RetiringPrincipal and RetiringServicePrincipal.");
        }

        if (input.GranteeServicePrincipal is not null
            && (input.Constraints?.SourceArn is null || (input.RetiringPrincipal ?? input.RetiringServicePrincipal) is null))
        {
            throw KmsErrors.Validation("A grant for a service principal requires a SourceArn constraint and a retiring principal.");
        }

        if (input.Operations.Count == 0)
        {
            throw KmsErrors.Validation("1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        foreach (var operation in input.Operations.Where(o => !AllOperations.Contains(o)))
        {
            throw KmsErrors.Validation(
                $"1 validation error detected: Value '[{operation}]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{string.Join(", ", AllOperations)}]]");
        }

        var key = await resolver.ResolveAsync(context, input.KeyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        var conditions = context.Conditions;
        conditions.GrantTokens = input.GrantTokens;
        conditions.GrantOperations = input.Operations;
        conditions.GranteePrincipal = input.GranteePrincipal;
        conditions.RetiringPrincipal = input.RetiringPrincipal;
        conditions.GrantIsForAWSResource = false;
        conditions.ChildGrantConstraints = input.Constraints;
        conditions.EncryptionContext = input.Constraints?.EncryptionContextEquals ?? input.Constraints?.EncryptionContextSubset;
        if (input.Constraints is { } constraints)
        {
            conditions.GrantConstraintTypes =
            [
                .. constraints.EncryptionContextEquals is not null ? ["EncryptionContextEquals"] : Array.Empty<string>(),
                .. constraints.EncryptionContextSubset is not null ? ["EncryptionContextSubset"] : Array.Empty<string>(),
            ];
        }

        await authorizer.AuthorizeAsync(context, "kms:CreateGrant", key, cancellationToken).ConfigureAwait(false);
        KeyStateRules.RequireUsable(key);
        foreach (var operation in input.Operations.Where(o => !ValidFor(key).Contains(o)))
        {
            throw KmsErrors.Validation($"Grant operation {operation} is not valid for key {key.Arn} with key usage {key.KeyUsage} and key spec {key.KeySpec}.");
        }

        if (input.Constraints is { EncryptionContextEquals: not null } or { EncryptionContextSubset: not null } && key.KeySpec != KeySpec.SYMMETRIC_DEFAULT)
        {
            throw KmsErrors.Validation("Encryption context grant constraints are supported only for symmetric encryption KMS keys.");
        }

        if (input.DryRun)
        {
            throw KmsErrors.DryRun();
        }

        if (input.Name is not null
            && await store.FindByNameAsync(key.AccountId, key.Region, key.KeyId, input.Name, cancellationToken).ConfigureAwait(false) is { } existing
            && SameParameters(existing, input))
        {
            return (existing.GrantId, GrantTokens.NewToken(existing.GrantId));
        }

        var grant = new GrantRecord
        {
            GrantId = GrantTokens.NewGrantId(),
            KeyAccountId = key.AccountId,
            KeyRegion = key.Region,
            KeyId = key.KeyId,
            KeyArn = key.Arn,
            Name = input.Name,
            GranteePrincipal = input.GranteePrincipal,
            GranteeServicePrincipal = input.GranteeServicePrincipal,
            RetiringPrincipal = input.RetiringPrincipal,
            RetiringServicePrincipal = input.RetiringServicePrincipal,
            Operations = [.. input.Operations.Distinct(StringComparer.Ordinal)],
            Constraints = input.Constraints,
            IssuingAccount = $"arn:{context.Region.Partition}:iam::{context.Caller.AccountId}:root",
            CreationDate = clock.GetUtcNow(),
        };
        if (!await store.TryCreateGrantAsync(grant, maxGrantsPerKey, cancellationToken).ConfigureAwait(false))
        {
            throw KmsErrors.LimitExceeded($"The request exceeds the quota of {maxGrantsPerKey} grants for the KMS key {key.Arn}.");
        }

        return (grant.GrantId, GrantTokens.NewToken(grant.GrantId));
    }

    public async Task<Page<GrantRecord>> ListGrantsAsync(
        RequestContext context, string keyId, string? grantId, string? granteePrincipal, int limit, string? marker, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        context.Conditions.GrantIsForAWSResource = false;
        await authorizer.AuthorizeAsync(context, "kms:ListGrants", key, cancellationToken).ConfigureAwait(false);
        if (grantId is not null && !GrantTokens.IsGrantId(grantId))
        {
            throw InvalidGrantId(grantId);
        }

        var after = PageMarker.Decode(GrantListName, marker, GrantTokens.IsGrantId);
        var grants = new List<GrantRecord>();
        var cursor = after;
        while (grants.Count <= limit)
        {
            var batch = await store.ListGrantsAsync(key.AccountId, key.Region, key.KeyId, cursor, 1000, cancellationToken).ConfigureAwait(false);
            grants.AddRange(batch.Where(g => (grantId is null || g.GrantId == grantId) && (granteePrincipal is null || g.GranteePrincipal == granteePrincipal || g.GranteeServicePrincipal == granteePrincipal)));
            if (batch.Count < 1000)
            {
                break;
            }

            cursor = batch[^1].GrantId;
        }

        return Page(grants, limit, GrantListName);
    }

    public async Task<Page<GrantRecord>> ListRetirableGrantsAsync(
        RequestContext context, string retiringPrincipal, int limit, string? marker, CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeAsync(context, "kms:ListRetirableGrants", key: null, cancellationToken).ConfigureAwait(false);
        // AWS: the retiring principal must be in the caller's account (the grants may be on any account's keys).
        if (AccountOf(retiringPrincipal) is { } owner && owner != context.Caller.AccountId)
        {
            throw KmsErrors.AccessDenied(
                context.Caller.Arn, "kms:ListRetirableGrants", retiringPrincipal, "the retiring principal is not in the caller's account");
        }

        var after = PageMarker.Decode(RetirableListName, marker, GrantTokens.IsGrantId);
        var grants = await store.ListRetirableGrantsAsync(retiringPrincipal, after, limit + 1, cancellationToken).ConfigureAwait(false);
        return Page(grants, limit, RetirableListName);
    }

    /// <summary>The account of a principal given as an ARN (or as a bare account ID), else null.</summary>
    private static string? AccountOf(string principal)
    {
        if (principal.Length == 12 && principal.All(char.IsAsciiDigit))
        {
            return principal;
        }

        var parts = principal.Split(':', 6);
        return parts is ["arn", _, _, _, { Length: 12 } account, _] ? account : null;
    }

    public async Task<GrantRecord> RetireGrantAsync(
        RequestContext context, string? grantToken, string? keyId, string? grantId, bool dryRun, CancellationToken cancellationToken)
    {
        GrantRecord? grant;
        if (grantToken is not null)
        {
            var id = GrantTokens.GrantIdOf(grantToken) ?? throw new KmsException(KmsErrorCode.InvalidGrantToken, "The grant token is not valid.");
            grant = await store.GetGrantAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new KmsException(KmsErrorCode.NotFound, $"Grant ID {id} not found.");
        }
        else
        {
            if (keyId is null || grantId is null)
            {
                throw KmsErrors.Validation("Specify either GrantToken, or both KeyId and GrantId.");
            }

            if (!GrantTokens.IsGrantId(grantId))
            {
                throw InvalidGrantId(grantId);
            }

            var (accountId, resolvedKeyId) = await resolver.LocateAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
            grant = await store.GetGrantAsync(grantId, cancellationToken).ConfigureAwait(false);
            if (grant is null || grant.KeyId != resolvedKeyId || grant.KeyAccountId != accountId)
            {
                throw new KmsException(KmsErrorCode.NotFound, $"Grant ID {grantId} not found.");
            }
        }

        context.AddResource(grant.KeyArn);
        var caller = context.Caller;
        var mayRetire = Names(caller, grant.RetiringPrincipal)
            || (grant.Operations.Contains("RetireGrant") && Names(caller, grant.GranteePrincipal))
            || (caller.Type == PrincipalType.Root && caller.AccountId == grant.KeyAccountId);
        if (!mayRetire)
        {
            throw KmsErrors.AccessDenied(caller.Arn, "kms:RetireGrant", grant.KeyArn, "it is neither the grant's retiring principal, nor its grantee with the RetireGrant operation, nor the key's account");
        }

        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        await store.DeleteGrantAsync(grant.GrantId, cancellationToken).ConfigureAwait(false);
        return grant;
    }

    public async Task RevokeGrantAsync(RequestContext context, string keyId, string grantId, bool dryRun, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        context.Conditions.GrantIsForAWSResource = false;
        await authorizer.AuthorizeAsync(context, "kms:RevokeGrant", key, cancellationToken).ConfigureAwait(false);
        if (!GrantTokens.IsGrantId(grantId))
        {
            throw InvalidGrantId(grantId);
        }

        var grant = await store.GetGrantAsync(grantId, cancellationToken).ConfigureAwait(false);
        if (grant is null || grant.KeyId != key.KeyId || grant.KeyAccountId != key.AccountId)
        {
            throw new KmsException(KmsErrorCode.NotFound, $"Grant ID {grantId} not found.");
        }

        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        await store.DeleteGrantAsync(grantId, cancellationToken).ConfigureAwait(false);
    }

    private static bool Names(Principal caller, string? principal) =>
        principal is not null && (principal == caller.Arn || principal == caller.IdentityArn || (caller.Type == PrincipalType.Root && principal == caller.AccountId));

    private static Page<GrantRecord> Page(IReadOnlyList<GrantRecord> grants, int limit, string listName) =>
        grants.Count > limit
            ? new Page<GrantRecord>([.. grants.Take(limit)], PageMarker.Encode(listName, grants[limit - 1].GrantId))
            : new Page<GrantRecord>(grants, null);

    private static KmsException InvalidGrantId(string grantId) => new(KmsErrorCode.InvalidGrantId, $"Invalid grant ID '{grantId}'.");

    private static bool SameParameters(GrantRecord existing, CreateGrantInput input) =>
        existing.GranteePrincipal == input.GranteePrincipal
        && existing.GranteeServicePrincipal == input.GranteeServicePrincipal
        && existing.RetiringPrincipal == input.RetiringPrincipal
        && existing.RetiringServicePrincipal == input.RetiringServicePrincipal
        && existing.Operations.Order(StringComparer.Ordinal).SequenceEqual(input.Operations.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        && SameConstraints(existing.Constraints, input.Constraints);

    private static bool SameConstraints(GrantConstraints? a, GrantConstraints? b) =>
        (a is null && b is null)
        || (a is not null && b is not null && SameMap(a.EncryptionContextEquals, b.EncryptionContextEquals)
            && SameMap(a.EncryptionContextSubset, b.EncryptionContextSubset) && a.SourceArn == b.SourceArn);

    private static bool SameMap(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value));

    private static IReadOnlyList<string> ValidFor(KeyRecord key)
    {
        string[] common = ["CreateGrant", "RetireGrant", "DescribeKey"];
        return key.KeyUsage switch
        {
            KeyUsage.ENCRYPT_DECRYPT when key.KeySpec == KeySpec.SYMMETRIC_DEFAULT =>
                [.. common, "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
                    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"],
            KeyUsage.ENCRYPT_DECRYPT => [.. common, "Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"],
            KeyUsage.SIGN_VERIFY => [.. common, "Sign", "Verify", "GetPublicKey"],
            KeyUsage.GENERATE_VERIFY_MAC => [.. common, "GenerateMac", "VerifyMac"],
            _ => [.. common, "DeriveSharedSecret", "GetPublicKey"],
        };
    }
}

/// <summary>The parameters of CreateGrant.</summary>
public sealed record CreateGrantInput(
    string KeyId,
    string? GranteePrincipal,
    string? GranteeServicePrincipal,
    string? RetiringPrincipal,
    string? RetiringServicePrincipal,
    IReadOnlyList<string> Operations,
    GrantConstraints? Constraints,
    IReadOnlyList<string>? GrantTokens,
    string? Name,
    bool DryRun);
