using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Materials;
using Trent.Domain.Paging;
using Trent.Domain.Policies;
using Trent.Domain.Storage;
using Trent.Domain.Tags;

namespace Trent.Domain.Keys;

/// <summary>Creating keys and moving them through their states: the key lifecycle operations of KMS.</summary>
public sealed class KeyLifecycleService(
    IKeyStore store,
    KeyResolver resolver,
    KeyUpdater updater,
    IAuthorizer authorizer,
    PolicyAuthorizer lockout,
    KeyMaterialVault vault,
    TimeProvider clock,
    KeyGenerationGate generation,
    CustomKeyStores.CustomKeyStoreService customKeyStores)
{
    public const int MinPendingWindowInDays = 7;
    public const int MaxPendingWindowInDays = 30;
    private const string KeyListName = "keys";

    public async Task<KeyRecord> CreateKeyAsync(RequestContext context, CreateKeyInput input, CancellationToken cancellationToken)
    {
        var spec = input.KeySpec ?? KeySpec.SYMMETRIC_DEFAULT;
        if (input.KeyUsage is null && spec != KeySpec.SYMMETRIC_DEFAULT)
        {
            throw KmsErrors.Validation("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
        }

        var usage = input.KeyUsage ?? KeyUsage.ENCRYPT_DECRYPT;
        if (!KeySpecRules.AllowedUsages(spec).Contains(usage))
        {
            throw KmsErrors.Validation($"KeyUsage {usage} is not compatible with KeySpec {spec}");
        }

        var origin = input.Origin ?? KeyOrigin.AWS_KMS;
        if (origin is KeyOrigin.EXTERNAL_KEY_STORE || input.XksKeyId is not null)
        {
            throw KmsErrors.Unsupported("External key stores (Origin EXTERNAL_KEY_STORE) are not supported by this Trent server.");
        }

        if ((origin == KeyOrigin.AWS_CLOUDHSM) != (input.CustomKeyStoreId is not null))
        {
            throw KmsErrors.Validation("A KMS key in an AWS CloudHSM key store needs both Origin AWS_CLOUDHSM and a CustomKeyStoreId.");
        }

        if (origin == KeyOrigin.AWS_CLOUDHSM && (spec != KeySpec.SYMMETRIC_DEFAULT || input.MultiRegion))
        {
            throw KmsErrors.Unsupported(input.MultiRegion
                ? "Multi-Region keys cannot be created in a custom key store."
                : $"KeySpec {spec} is not supported for KMS keys in a custom key store: only SYMMETRIC_DEFAULT is.");
        }

        if (input.Policy is not null)
        {
            KeyPolicyDocument.Validate(input.Policy);
        }

        TagRules.ValidateRequest(input.Tags);
        var conditions = context.Conditions;
        conditions.Set("kms:KeySpec", spec.ToString());
        conditions.Set("kms:KeyUsage", usage.ToString());
        conditions.Set("kms:KeyOrigin", origin.ToString());
        conditions.Set("kms:MultiRegion", input.MultiRegion ? "true" : "false");
        if (input.MultiRegion)
        {
            conditions.Set("kms:MultiRegionKeyType", "PRIMARY");
        }
        conditions.BypassPolicyLockoutSafetyCheck = input.BypassPolicyLockoutSafetyCheck;
        if (input.Tags is { Count: > 0 } requestTags)
        {
            conditions.RequestTags = requestTags.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        }

        await authorizer.AuthorizeAsync(context, "kms:CreateKey", key: null, cancellationToken).ConfigureAwait(false);
        if (input.Tags is { Count: > 0 })
        {
            await authorizer.AuthorizeAsync(context, "kms:TagResource", key: null, cancellationToken).ConfigureAwait(false);
        }

        var now = clock.GetUtcNow();
        var key = new KeyRecord
        {
            KeyId = input.MultiRegion ? KeyId.NewMultiRegionKeyId() : KeyId.NewKeyId(),
            AccountId = context.Caller.AccountId,
            Region = context.Region.Name,
            Partition = context.Region.Partition,
            PrimaryRegion = input.MultiRegion ? context.Region.Name : null,
            CreationDate = now,
            Description = input.Description ?? string.Empty,
            KeySpec = spec,
            KeyUsage = usage,
            Origin = origin,
            // A key for imported material waits, disabled, for its material (digest §3.1 CreateKey).
            State = origin == KeyOrigin.EXTERNAL ? KeyState.PendingImport : KeyState.Enabled,
            Policy = input.Policy ?? KeyPolicyDocument.Default(context.Region.Partition, context.Caller.AccountId),
            Tags = TagRules.Merge([], input.Tags),
            RowVersion = 1,
        };
        if (input.Policy is not null && !input.BypassPolicyLockoutSafetyCheck && !await lockout.AllowsPolicyChangeAsync(context, key, input.Policy, cancellationToken).ConfigureAwait(false))
        {
            throw KeyPolicyDocument.LockoutError();
        }

        KeyMaterialRecord? material = null;
        if (origin == KeyOrigin.AWS_KMS)
        {
            var created = key;
            material = key.KeySpec == KeySpec.SYMMETRIC_DEFAULT || KeySpecRules.IsHmac(key.KeySpec)
                ? vault.CreateMaterial(key, version: 1, KeyMaterialState.CURRENT, rotationType: null, now)
                : await generation.RunAsync(() => vault.CreateMaterial(created, version: 1, KeyMaterialState.CURRENT, rotationType: null, now), cancellationToken)
                    .ConfigureAwait(false);
            key = key with { CurrentMaterialVersion = 1, CurrentKeyMaterialId = material.KeyMaterialId };
        }

        if (origin == KeyOrigin.AWS_CLOUDHSM)
        {
            // The material is generated in the token, labelled with the ARN; if the key is not stored, it goes again.
            key = key with { CustomKeyStoreId = input.CustomKeyStoreId, CurrentMaterialVersion = 1 };
            var token = await customKeyStores.GenerateKeyAsync(context, input.CustomKeyStoreId!, key.Arn, cancellationToken).ConfigureAwait(false);
            try
            {
                await store.CreateKeyAsync(key, null, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                CustomKeyStores.CustomKeyStoreService.DestroyQuietly(token, key.Arn);
                throw;
            }
        }
        else
        {
            await store.CreateKeyAsync(key, material, cancellationToken).ConfigureAwait(false);
        }

        context.AddResource(key.Arn);
        return key;
    }

    public async Task<KeyRecord> DescribeKeyAsync(RequestContext context, string keyId, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:DescribeKey", key, cancellationToken).ConfigureAwait(false);
        return key;
    }

    public async Task<Page<KeyRecord>> ListKeysAsync(RequestContext context, int limit, string? marker, CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeAsync(context, "kms:ListKeys", key: null, cancellationToken).ConfigureAwait(false);
        var after = PageMarker.Decode(KeyListName, marker, KeyId.IsValid);
        var keys = await store.ListKeysAsync(context.Caller.AccountId, context.Region.Name, after, limit + 1, cancellationToken)
            .ConfigureAwait(false);
        return keys.Count > limit
            ? new Page<KeyRecord>([.. keys.Take(limit)], PageMarker.Encode(KeyListName, keys[limit - 1].KeyId))
            : new Page<KeyRecord>(keys, null);
    }

    public Task EnableKeyAsync(RequestContext context, string keyId, CancellationToken cancellationToken) =>
        updater.UpdateAsync(context, keyId, "kms:EnableKey", key =>
        {
            KeyStateRules.RequireEnableable(key);
            return key.State == KeyState.Enabled ? null : key with { State = KeyState.Enabled };
        }, cancellationToken).AsTask();

    public Task DisableKeyAsync(RequestContext context, string keyId, CancellationToken cancellationToken) =>
        updater.UpdateAsync(context, keyId, "kms:DisableKey", key =>
        {
            KeyStateRules.RequireEnableable(key);
            return key.State == KeyState.Disabled ? null : key with { State = KeyState.Disabled };
        }, cancellationToken).AsTask();

    public Task UpdateKeyDescriptionAsync(RequestContext context, string keyId, string description, CancellationToken cancellationToken) =>
        updater.UpdateAsync(context, keyId, "kms:UpdateKeyDescription", key =>
        {
            KeyStateRules.RequireNotPendingDeletion(key);
            return key with { Description = description };
        }, cancellationToken).AsTask();

    public Task<KeyRecord> ScheduleKeyDeletionAsync(
        RequestContext context, string keyId, int? pendingWindowInDays, CancellationToken cancellationToken)
    {
        var window = pendingWindowInDays ?? MaxPendingWindowInDays;
        if (window is < MinPendingWindowInDays or > MaxPendingWindowInDays)
        {
            throw KmsErrors.Validation(
                $"PendingWindowInDays should be between {MinPendingWindowInDays} and {MaxPendingWindowInDays}, but it is {window}");
        }

        context.Conditions.Set("kms:ScheduleKeyDeletionPendingWindowInDays", window.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ScheduleAsync();

        async Task<KeyRecord> ScheduleAsync()
        {
            var change = await updater.UpdateWithMaterialsAsync(context, keyId, "kms:ScheduleKeyDeletion", async (key, _) =>
            {
                KeyStateRules.RequireNotPendingDeletion(key);
                if (key.State is KeyState.Updating)
                {
                    throw KmsErrors.InvalidState(key.Arn, "updating");
                }

                // A primary with replicas waits for them (PendingReplicaDeletion); its window starts once the last is gone.
                var replicas = key.MultiRegion && !key.IsReplica
                    && (await store.ListMultiRegionKeysAsync(key.AccountId, key.KeyId, cancellationToken).ConfigureAwait(false)).Any(k => k.Region != key.Region);
                return new KeyChange(
                    key with
                    {
                        State = replicas ? KeyState.PendingReplicaDeletion : KeyState.PendingDeletion,
                        DeletionDate = replicas ? null : clock.GetUtcNow().AddDays(window),
                        PendingWindowInDays = window,
                        SettledState = null,
                    },
                    []);
            }, loadMaterials: false, cancellationToken).ConfigureAwait(false);
            return change.Key;
        }
    }

    public Task<KeyRecord> CancelKeyDeletionAsync(RequestContext context, string keyId, CancellationToken cancellationToken) =>
        updater.UpdateAsync(context, keyId, "kms:CancelKeyDeletion", key =>
        {
            if (key.State is not (KeyState.PendingDeletion or KeyState.PendingReplicaDeletion))
            {
                throw KmsErrors.NotPendingDeletion(key.Arn);
            }

            // AWS leaves a key whose deletion was cancelled disabled, not enabled.
            return key with { State = KeyState.Disabled, DeletionDate = null, PendingWindowInDays = null };
        }, cancellationToken).AsTask();
}
