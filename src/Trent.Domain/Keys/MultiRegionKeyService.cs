using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Policies;
using Trent.Domain.Regions;
using Trent.Domain.Storage;
using Trent.Domain.Tags;

namespace Trent.Domain.Keys;

/// <summary>What a caller asks for when replicating a multi-Region primary key into another Region.</summary>
public sealed record ReplicateKeyInput(string KeyId, string ReplicaRegion)
{
    public string? Description { get; init; }
    public string? Policy { get; init; }
    public bool BypassPolicyLockoutSafetyCheck { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

/// <summary>How long a replica stays Creating, and a set Updating, before it settles (AWS takes seconds).</summary>
public sealed record MultiRegionTiming(TimeSpan SettleDelay)
{
    public static readonly MultiRegionTiming Default = new(TimeSpan.FromMilliseconds(300));
}

/// <summary>
/// Multi-Region keys: ReplicateKey and UpdatePrimaryRegion, the set a key belongs to (for its
/// MultiRegionConfiguration), and settling the transient Creating and Updating states. The keys of a set are
/// rows of one key ID in several Regions; the store keeps their shared properties equal (see
/// <see cref="IKeyStore.TryUpdateKeyAsync"/>).
/// </summary>
public sealed class MultiRegionKeyService(
    IKeyStore store,
    KeyResolver resolver,
    KeyUpdater updater,
    IAuthorizer authorizer,
    PolicyAuthorizer lockout,
    ServedRegions regions,
    TimeProvider clock,
    MultiRegionTiming timing)
{
    public async Task<KeyRecord> ReplicateKeyAsync(RequestContext context, ReplicateKeyInput input, CancellationToken cancellationToken)
    {
        if (input.Policy is not null)
        {
            KeyPolicyDocument.Validate(input.Policy);
        }

        TagRules.ValidateRequest(input.Tags);
        var primary = await resolver.ResolveAsync(context, input.KeyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        context.Conditions.Set("kms:ReplicaRegion", input.ReplicaRegion);
        await authorizer.AuthorizeAsync(context, "kms:ReplicateKey", primary, cancellationToken).ConfigureAwait(false);
        RequireEnabled(primary, allowUpdating: false);
        if (!primary.MultiRegion || primary.IsReplica)
        {
            throw KmsErrors.Unsupported($"{primary.Arn} is not a multi-region primary key.");
        }

        var region = ReplicaRegion(input.ReplicaRegion, primary);
        var set = await store.ListMultiRegionKeysAsync(primary.AccountId, primary.KeyId, cancellationToken).ConfigureAwait(false);
        if (set.Any(k => k.Region == region.Name))
        {
            throw new KmsException(KmsErrorCode.AlreadyExists, $"{KeyArn.Format(primary.Partition, region.Name, primary.AccountId, primary.KeyId)} already exists.");
        }

        // The replica is a key created in its own Region: that Region's kms:CreateKey (and kms:TagResource) apply too.
        var there = context.InRegion(region);
        there.Conditions.Set("kms:MultiRegion", "true");
        there.Conditions.Set("kms:MultiRegionKeyType", "REPLICA");
        await authorizer.AuthorizeAsync(there, "kms:CreateKey", key: null, cancellationToken).ConfigureAwait(false);
        if (input.Tags.Count > 0)
        {
            await authorizer.AuthorizeAsync(there, "kms:TagResource", key: null, cancellationToken).ConfigureAwait(false);
        }

        var now = clock.GetUtcNow();
        var replica = primary with
        {
            Region = region.Name,
            CreationDate = now,
            Description = input.Description ?? string.Empty,
            Policy = input.Policy ?? KeyPolicyDocument.Default(region.Partition, primary.AccountId),
            Tags = TagRules.Merge([], input.Tags),
            State = KeyState.Creating,
            SettledState = primary.Origin == KeyOrigin.EXTERNAL ? KeyState.PendingImport : KeyState.Enabled,
            DeletionDate = null,
            PendingWindowInDays = null,
            RowVersion = 1,
        };
        if (input.Policy is not null && !input.BypassPolicyLockoutSafetyCheck && !await lockout.AllowsPolicyChangeAsync(there, replica, input.Policy, cancellationToken).ConfigureAwait(false))
        {
            throw KeyPolicyDocument.LockoutError();
        }

        await store.CreateKeyAsync(replica, material: null, cancellationToken).ConfigureAwait(false);
        context.AddResource(replica.Arn);
        SettleSoon(replica);
        return replica;
    }

    public async Task UpdatePrimaryRegionAsync(RequestContext context, string keyId, string primaryRegion, CancellationToken cancellationToken)
    {
        var current = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        context.Conditions.Set("kms:PrimaryRegion", primaryRegion);
        await authorizer.AuthorizeAsync(context, "kms:UpdatePrimaryRegion", current, cancellationToken).ConfigureAwait(false);
        if (!current.MultiRegion || current.IsReplica)
        {
            throw KmsErrors.Unsupported($"{current.Arn} is not a multi-region primary key.");
        }

        RequireEnabled(current, allowUpdating: true);
        var region = ReplicaRegion(primaryRegion, current);
        var set = await store.ListMultiRegionKeysAsync(current.AccountId, current.KeyId, cancellationToken).ConfigureAwait(false);
        var next = set.FirstOrDefault(k => k.Region == region.Name)
            ?? throw KmsErrors.KeyNotFound(KeyArn.Format(current.Partition, region.Name, current.AccountId, current.KeyId));
        if (next.Region == current.Region)
        {
            return;
        }

        // A replica still being created cannot take over: it would settle into Creating again.
        KeyStateRules.RequireSettled(next, allowUpdating: true);

        // The new primary needs the permission in its own Region too, as AWS requires.
        var there = context.InRegion(region);
        there.Conditions.Set("kms:PrimaryRegion", primaryRegion);
        await authorizer.AuthorizeAsync(there, "kms:UpdatePrimaryRegion", next, cancellationToken).ConfigureAwait(false);
        context.AddResource(next.Arn);

        // Both keys are Updating until the swap settles. The new primary's write comes first: as the set's
        // primary it carries the new primary Region to every key in one transaction, so a crash between the
        // two writes leaves a consistent set (the old primary merely not yet Updating).
        await UpdateOrThrowAsync(next, k => k with { State = KeyState.Updating, SettledState = k.State, PrimaryRegion = region.Name }, cancellationToken).ConfigureAwait(false);
        var old = await UpdateOrThrowAsync(current, k => k with { State = KeyState.Updating, SettledState = k.State, PrimaryRegion = region.Name }, cancellationToken).ConfigureAwait(false);
        SettleSoon(old);
        SettleSoon(next);
    }

    /// <summary>The keys of the set <paramref name="key"/> belongs to (empty for a single-Region key).</summary>
    public Task<IReadOnlyList<KeyRecord>> SetOfAsync(KeyRecord key, CancellationToken cancellationToken) =>
        key.MultiRegion
            ? store.ListMultiRegionKeysAsync(key.AccountId, key.KeyId, cancellationToken)
            : Task.FromResult<IReadOnlyList<KeyRecord>>([]);

    /// <summary>Settles every key left in a transient state (a crash may have interrupted <see cref="SettleSoon"/>).</summary>
    public async Task<int> SettleTransitionsAsync(CancellationToken cancellationToken)
    {
        var settled = 0;
        foreach (var key in await store.ListKeysInTransitionAsync(100, cancellationToken).ConfigureAwait(false))
        {
            if (await SettleAsync(key, cancellationToken).ConfigureAwait(false))
            {
                settled++;
            }
        }

        return settled;
    }

    private void SettleSoon(KeyRecord key) =>
        _ = Task.Run(async () =>
        {
            // Wall-clock time: a transient state lasts a moment, whatever the domain clock says.
            await Task.Delay(timing.SettleDelay).ConfigureAwait(false);
            try
            {
                await SettleAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The maintenance job settles it instead.
            }
        });

    private async Task<bool> SettleAsync(KeyRecord key, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var fresh = await store.GetKeyAsync(key.AccountId, key.Region, key.KeyId, cancellationToken).ConfigureAwait(false);
            if (fresh is null || fresh.State is not (KeyState.Creating or KeyState.Updating))
            {
                return false;
            }

            var result = await updater.TryApplyAsync(
                fresh,
                (k, _) => Task.FromResult<KeyChange?>(new KeyChange(k with { State = k.SettledState ?? KeyState.Enabled, SettledState = null }, [])),
                loadMaterials: false,
                cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<KeyRecord> UpdateOrThrowAsync(KeyRecord key, Func<KeyRecord, KeyRecord> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var fresh = attempt == 0 ? key : await store.GetKeyAsync(key.AccountId, key.Region, key.KeyId, cancellationToken).ConfigureAwait(false)
                ?? throw KmsErrors.KeyNotFound(key.Arn);
            var result = await updater.TryApplyAsync(fresh, (k, _) => Task.FromResult<KeyChange?>(new KeyChange(change(k), [])), loadMaterials: false, cancellationToken)
                .ConfigureAwait(false);
            if (result is not null)
            {
                return result.Key;
            }
        }

        throw new KmsException(KmsErrorCode.KMSInternal, "The key changed too often to update it; try again.");
    }

    /// <summary>A Region the set may have a key in: served, and of the primary's partition.</summary>
    private AwsRegion ReplicaRegion(string name, KeyRecord primary)
    {
        if (!regions.TryGet(name, out var region))
        {
            throw KmsErrors.Unsupported($"{name} is not a Region this server serves.");
        }

        if (region.Partition != primary.Partition)
        {
            throw KmsErrors.Unsupported($"{name} is not in the partition of {primary.Arn}.");
        }

        return region;
    }

    /// <summary>AWS's key-state table for ReplicateKey and UpdatePrimaryRegion: Enabled only (UpdatePrimaryRegion
    /// also while Updating).</summary>
    private static void RequireEnabled(KeyRecord key, bool allowUpdating)
    {
        switch (key.State)
        {
            case KeyState.Enabled:
            case KeyState.Updating when allowUpdating:
                return;
            case KeyState.Updating:
                throw KmsErrors.InvalidState(key.Arn, "updating");
            default:
                // Disabled, pending deletion or import, creating: the errors of the crypto operations.
                KeyStateRules.RequireUsable(key);
                return;
        }
    }
}
