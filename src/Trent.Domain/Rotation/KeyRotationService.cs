using System.Globalization;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Materials;
using Trent.Domain.Paging;
using Trent.Domain.Storage;

namespace Trent.Domain.Rotation;

/// <summary>
/// Automatic and on-demand rotation of symmetric keys. A rotation adds a material version and makes it
/// current; earlier versions stay, so every ciphertext made before keeps decrypting. The schedule lives in
/// the key row (next rotation date), so it survives restarts, and each rotation is one optimistic update,
/// so neither a restart nor several nodes can make it happen twice.
/// </summary>
public sealed class KeyRotationService(
    KeyResolver resolver,
    KeyUpdater updater,
    IKeyStore store,
    IAuthorizer authorizer,
    KeyMaterialVault vault,
    TimeProvider clock,
    AuditScopeFactory audits)
{
    public const int MinRotationPeriodInDays = 90;
    public const int MaxRotationPeriodInDays = 2560;
    public const int DefaultRotationPeriodInDays = 365;
    public const int MaxOnDemandRotations = 25;
    public static readonly TimeSpan ConflictWindow = TimeSpan.FromMinutes(20);
    private const string RotationListName = "rotations";

    public Task EnableKeyRotationAsync(RequestContext context, string keyId, int? rotationPeriodInDays, CancellationToken cancellationToken)
    {
        var period = rotationPeriodInDays ?? DefaultRotationPeriodInDays;
        context.Conditions.Set("kms:RotationPeriodInDays", period.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return updater.UpdateAsync(context, keyId, "kms:EnableKeyRotation", key =>
        {
            KeyStateRules.RequireNotReplica(key);
            RequireAutomaticRotationAllowed(key);
            var now = clock.GetUtcNow();
            var next = key.RotationEnabled && key.NextRotationDate is { } scheduled && key.RotationPeriodInDays is { } oldPeriod
                ? scheduled.AddDays(period - oldPeriod) // a new period moves the pending rotation, from the same start
                : now.AddDays(period);
            return key with { RotationEnabled = true, RotationPeriodInDays = period, NextRotationDate = next < now ? now : next };
        }, cancellationToken).AsTask();
    }

    public Task DisableKeyRotationAsync(RequestContext context, string keyId, CancellationToken cancellationToken) =>
        updater.UpdateAsync(context, keyId, "kms:DisableKeyRotation", key =>
        {
            KeyStateRules.RequireNotReplica(key);
            RequireAutomaticRotationAllowed(key);
            return key with { RotationEnabled = false, RotationPeriodInDays = null, NextRotationDate = null };
        }, cancellationToken).AsTask();

    public async Task<KeyRecord> GetKeyRotationStatusAsync(RequestContext context, string keyId, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:GetKeyRotationStatus", key, cancellationToken).ConfigureAwait(false);
        RequireSymmetric(key, silent: false);
        if (key.State == KeyState.PendingImport)
        {
            throw KmsErrors.OriginNotValid(key.Arn, key.Origin);
        }

        return key;
    }

    public async Task<KeyRecord> RotateKeyOnDemandAsync(RequestContext context, string keyId, CancellationToken cancellationToken)
    {
        var change = await updater.UpdateWithMaterialsAsync(context, keyId, "kms:RotateKeyOnDemand", (key, materials) =>
        {
            RequireSymmetric(key, silent: true);
            KeyStateRules.RequireUsable(key);
            KeyStateRules.RequireNotReplica(key);
            var now = clock.GetUtcNow();
            if (key.OnDemandRotationCount >= MaxOnDemandRotations)
            {
                throw KmsErrors.LimitExceeded(
                    $"The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {key.Arn}");
            }

            if (key.RotationEnabled && key.NextRotationDate <= now + ConflictWindow)
            {
                throw new KmsException(KmsErrorCode.Conflict,
                    $"An automatic rotation of {key.Arn} is due within {ConflictWindow.TotalMinutes} minutes; retry after it has run.");
            }

            var rotated = key.Origin == KeyOrigin.EXTERNAL
                ? PromotePendingImport(key, materials, now)
                : Rotate(key, materials, RotationType.ON_DEMAND, now);
            return Task.FromResult<KeyChange?>(rotated with { Key = rotated.Key with { OnDemandRotationCount = key.OnDemandRotationCount + 1 } });
        }, loadMaterials: true, cancellationToken).ConfigureAwait(false);
        return change.Key;
    }

    public async Task<RotationList> ListKeyRotationsAsync(
        RequestContext context, string keyId, IncludeKeyMaterial? include, int limit, string? marker, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:ListKeyRotations", key, cancellationToken).ConfigureAwait(false);
        RequireSymmetric(key, silent: false);
        var after = PageMarker.Decode(RotationListName, marker, v => uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        var afterVersion = after is null ? 0 : uint.Parse(after, CultureInfo.InvariantCulture);
        var materials = (await store.ListMaterialsAsync(key.KeyId, cancellationToken).ConfigureAwait(false))
            .Where(m => include == IncludeKeyMaterial.ALL_KEY_MATERIAL || m.RotationType is not null)
            .Where(m => m.Version > afterVersion)
            .ToList();
        var page = materials.Count > limit
            ? new Page<KeyMaterialRecord>([.. materials.Take(limit)], PageMarker.Encode(RotationListName, materials[limit - 1].Version.ToString(CultureInfo.InvariantCulture)))
            : new Page<KeyMaterialRecord>(materials, null);
        return new RotationList(key, page);
    }

    /// <summary>Rotates every key whose automatic rotation is due, including rotations missed while no node ran.</summary>
    public async Task<int> RotateDueKeysAsync(CancellationToken cancellationToken)
    {
        const int BatchSize = 100;
        var now = clock.GetUtcNow();
        var rotated = 0;
        while (true)
        {
            var due = await store.ListKeysDueForRotationAsync(now, BatchSize, cancellationToken).ConfigureAwait(false);
            var rotatedInBatch = 0;
            foreach (var key in due)
            {
                // AWS records automatic rotations as the RotateKey service event.
                var audit = audits.CreateServiceEvent("RotateKey", key);
                await audit.BeginStateChangeAsync(cancellationToken).ConfigureAwait(false);
                var change = await updater.TryApplyAsync(key, (current, materials) =>
                {
                    var result = Rotate(current, materials, RotationType.AUTOMATIC, now);
                    var next = current.NextRotationDate!.Value.AddDays(current.RotationPeriodInDays!.Value);
                    // After downtime, one catch-up rotation, then the schedule restarts from now.
                    return Task.FromResult<KeyChange?>(result with
                    {
                        Key = result.Key with { NextRotationDate = next > now ? next : now.AddDays(current.RotationPeriodInDays.Value) },
                    });
                }, loadMaterials: true, cancellationToken).ConfigureAwait(false);
                if (change is { Materials.Count: > 0 })
                {
                    rotatedInBatch++;
                    await audit.RecordAsync(null, null).ConfigureAwait(false);
                }
                else
                {
                    audit.Abandon();
                }
            }

            rotated += rotatedInBatch;
            if (due.Count < BatchSize || rotatedInBatch == 0)
            {
                return rotated;
            }
        }
    }

    private KeyChange Rotate(KeyRecord key, IReadOnlyList<KeyMaterialRecord> materials, RotationType type, DateTimeOffset now)
    {
        var version = KeyMaterials.NextVersion(materials);
        var created = vault.CreateMaterial(key, version, KeyMaterialState.CURRENT, type, now);
        return new KeyChange(
            key with { CurrentMaterialVersion = version, CurrentKeyMaterialId = created.KeyMaterialId },
            [.. Retired(materials), created]);
    }

    /// <summary>For imported keys, rotation makes the material imported with NEW_KEY_MATERIAL current.</summary>
    private static KeyChange PromotePendingImport(KeyRecord key, IReadOnlyList<KeyMaterialRecord> materials, DateTimeOffset now)
    {
        var pending = materials.FirstOrDefault(m => m.State == KeyMaterialState.PENDING_ROTATION && m.SealedMaterial is not null)
            ?? throw new KmsException(KmsErrorCode.KMSInvalidState, $"No available key material pending rotation for the key: {key.Arn}.");
        var promoted = pending with { State = KeyMaterialState.CURRENT, RotationDate = now, RotationType = RotationType.ON_DEMAND };
        return new KeyChange(
            key with { CurrentMaterialVersion = promoted.Version, CurrentKeyMaterialId = promoted.KeyMaterialId, ExpirationModel = promoted.ExpirationModel },
            [.. Retired(materials), promoted]);
    }

    /// <summary>The material that was current, now no longer: what a rotation writes besides the new current one.</summary>
    private static IEnumerable<KeyMaterialRecord> Retired(IReadOnlyList<KeyMaterialRecord> materials) =>
        materials.Where(m => m.State == KeyMaterialState.CURRENT).Select(m => m with { State = KeyMaterialState.NON_CURRENT });

    private static void RequireAutomaticRotationAllowed(KeyRecord key)
    {
        RequireSymmetric(key, silent: false);
        if (key.Origin != KeyOrigin.AWS_KMS)
        {
            throw KmsErrors.OriginNotValid(key.Arn, key.Origin);
        }

        if (key.State == KeyState.Disabled)
        {
            throw KmsErrors.Disabled(key.Arn);
        }

        KeyStateRules.RequireNotPendingDeletion(key);
        KeyStateRules.RequireSettled(key, allowUpdating: true);
    }

    /// <summary>Only symmetric encryption keys rotate. AWS answers RotateKeyOnDemand on others with no message.</summary>
    private static void RequireSymmetric(KeyRecord key, bool silent)
    {
        if (key.KeySpec != KeySpec.SYMMETRIC_DEFAULT)
        {
            throw KmsErrors.Unsupported(silent ? null : $"{key.Arn} key spec {key.KeySpec} does not support key rotation.");
        }
    }
}

public sealed record RotationList(KeyRecord Key, Page<KeyMaterialRecord> Rotations);
