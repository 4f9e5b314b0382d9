using System.Security.Cryptography;
using Trent.Crypto.Wrapping;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Materials;
using Trent.Domain.Storage;

namespace Trent.Domain.Imports;

/// <summary>Bring your own key: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial, and expiry.</summary>
public sealed class KeyImportService(
    KeyResolver resolver,
    KeyUpdater updater,
    IKeyStore store,
    IAuthorizer authorizer,
    KeyMaterialVault vault,
    ImportToken tokens,
    TimeProvider clock,
    AuditScopeFactory audits)
{
    public static readonly TimeSpan ParametersLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(365);

    public async Task<ImportParameters> GetParametersForImportAsync(
        RequestContext context, string keyId, WrappingAlgorithm algorithm, WrappingKeySpec keySpec, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:GetParametersForImport", key, cancellationToken).ConfigureAwait(false);
        RequireImportable(key, allowUpdating: false);
        if (algorithm == WrappingAlgorithm.RSAES_PKCS1_V1_5)
        {
            throw KmsErrors.Validation(
                "The wrapping algorithm RSAES_PKCS1_V1_5 is no longer supported. Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.");
        }

        if (algorithm == WrappingAlgorithm.SM2PKE || keySpec == WrappingKeySpec.SM2)
        {
            throw KmsErrors.Unsupported("SM2 wrapping keys are only available in the AWS China Regions.");
        }

        using var wrappingKey = ImportUnwrapper.CreateWrappingKey(keySpec switch
        {
            WrappingKeySpec.RSA_2048 => 2048,
            WrappingKeySpec.RSA_3072 => 3072,
            _ => 4096,
        });
        var validTo = clock.GetUtcNow() + ParametersLifetime;
        var privateKey = wrappingKey.ExportPkcs8PrivateKey();
        try
        {
            return new ImportParameters(key, wrappingKey.ExportSubjectPublicKeyInfo(), tokens.Issue(key.Arn, algorithm, validTo, privateKey), validTo);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    public async Task<ImportResult> ImportKeyMaterialAsync(RequestContext context, ImportRequest request, CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, request.KeyId, KeyIdForms.KeyOnly, cancellationToken).ConfigureAwait(false);
        await authorizer.AuthorizeAsync(context, "kms:ImportKeyMaterial", key, cancellationToken).ConfigureAwait(false);
        RequireImportable(key, allowUpdating: true);
        var now = clock.GetUtcNow();
        var model = request.ExpirationModel ?? ExpirationModel.KEY_MATERIAL_EXPIRES;
        ValidateExpiry(model, request.ValidTo, now);
        if (request.KeyMaterialId is not null && request.ImportType != ImportType.EXISTING_KEY_MATERIAL)
        {
            throw KmsErrors.Validation("KeyMaterialId can only be specified when ImportType is EXISTING_KEY_MATERIAL.");
        }

        var material = Unwrap(key, request.ImportToken, request.EncryptedKeyMaterial, now);
        try
        {
            ImportedMaterialRules.Check(key, material);

            var (materialId, fingerprint) = vault.IdentifyImported(key, material);
            var change = await updater.UpdateWithMaterialsAsync(
                context,
                request.KeyId,
                "kms:ImportKeyMaterial",
                (current, materials) => Task.FromResult<KeyChange?>(
                    Import(current, materials, request, model, materialId, fingerprint, material, now)),
                loadMaterials: true,
                cancellationToken).ConfigureAwait(false);
            return new ImportResult(change.Key, change.Materials.Single().KeyMaterialId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    public async Task<ImportResult> DeleteImportedKeyMaterialAsync(
        RequestContext context, string keyId, string? keyMaterialId, CancellationToken cancellationToken)
    {
        var change = await updater.UpdateWithMaterialsAsync(
            context,
            keyId,
            "kms:DeleteImportedKeyMaterial",
            (key, materials) =>
            {
                if (key.Origin != KeyOrigin.EXTERNAL)
                {
                    throw KmsErrors.OriginNotValid(key.Arn, key.Origin);
                }

                KeyStateRules.RequireSettled(key, allowUpdating: false);
                var target = keyMaterialId is null
                    ? materials.FirstOrDefault(m => m.Version == key.CurrentMaterialVersion)
                    : materials.FirstOrDefault(m => m.KeyMaterialId == keyMaterialId)
                      ?? throw KmsErrors.Validation($"Key material {keyMaterialId} is not key material of {key.Arn}.");
                return Task.FromResult(target is null || target.SealedMaterial is null ? null : Delete(key, materials, target));
            },
            loadMaterials: true,
            cancellationToken).ConfigureAwait(false);
        return new ImportResult(change.Key, change.Materials.FirstOrDefault()?.KeyMaterialId ?? keyMaterialId ?? change.Key.CurrentKeyMaterialId ?? string.Empty);
    }

    /// <summary>Deletes imported material whose ValidTo has passed; the key goes to PendingImport if it was current.</summary>
    public async Task<int> ExpireDueMaterialAsync(CancellationToken cancellationToken)
    {
        const int BatchSize = 100;
        var now = clock.GetUtcNow();
        var expired = 0;
        while (true)
        {
            var keys = await store.ListKeysWithExpiredMaterialAsync(now, BatchSize, cancellationToken).ConfigureAwait(false);
            var handled = 0;
            foreach (var key in keys)
            {
                var audit = audits.CreateServiceEvent("DeleteExpiredKeyMaterial", key);
                await audit.BeginStateChangeAsync(cancellationToken).ConfigureAwait(false);
                var change = await updater.TryApplyAsync(key, (current, materials) =>
                {
                    var result = new KeyChange(current, []);
                    var deleted = new List<KeyMaterialRecord>();
                    foreach (var due in materials.Where(m => m.SealedMaterial is not null && m.ValidTo <= now).ToList())
                    {
                        result = Delete(result.Key, materials, due);
                        materials = KeyMaterials.With(materials, result.Materials[0]);
                        deleted.Add(result.Materials[0]);
                    }

                    // With nothing due, only a stale ValidTo needs correcting (so the key leaves the expiry index).
                    return Task.FromResult<KeyChange?>(deleted.Count > 0
                        ? new KeyChange(result.Key, deleted)
                        : new KeyChange(current with { ValidTo = KeyMaterials.EarliestValidTo(materials) }, []));
                }, loadMaterials: true, cancellationToken).ConfigureAwait(false);
                expired += change?.Materials.Count ?? 0;
                if (change is { Materials.Count: > 0 })
                {
                    await audit.RecordAsync(null, null).ConfigureAwait(false);
                }
                else
                {
                    audit.Abandon();
                }

                handled += change is null ? 0 : 1;
            }

            if (keys.Count < BatchSize || handled == 0)
            {
                return expired;
            }
        }
    }

    private KeyChange Import(
        KeyRecord key,
        IReadOnlyList<KeyMaterialRecord> materials,
        ImportRequest request,
        ExpirationModel model,
        string materialId,
        byte[] fingerprint,
        byte[] material,
        DateTimeOffset now)
    {
        var validTo = model == ExpirationModel.KEY_MATERIAL_EXPIRES ? request.ValidTo : null;
        if (materials.Count == 0)
        {
            if (request.ImportType == ImportType.EXISTING_KEY_MATERIAL)
            {
                throw KmsErrors.Validation($"{key.Arn} has no key material to reimport; use ImportType NEW_KEY_MATERIAL.");
            }

            var first = Imported(key, 1, materialId, fingerprint, material, KeyMaterialState.CURRENT, model, validTo, request.Description, now, null);
            return Updated(key with
            {
                State = key.State == KeyState.PendingImport ? KeyState.Enabled : key.State,
                CurrentMaterialVersion = 1,
                CurrentKeyMaterialId = materialId,
                ExpirationModel = model,
            }, [first], first);
        }

        if ((request.ImportType ?? ImportType.EXISTING_KEY_MATERIAL) == ImportType.NEW_KEY_MATERIAL)
        {
            if (key.KeySpec != KeySpec.SYMMETRIC_DEFAULT)
            {
                throw KmsErrors.Unsupported(
                    $"{key.Arn} is a {key.KeySpec} key, whose key material cannot change; reimport the same material with ImportType EXISTING_KEY_MATERIAL.");
            }

            if (materials.FirstOrDefault(m => m.Fingerprint is not null && CryptographicOperations.FixedTimeEquals(m.Fingerprint, fingerprint)) is { } same)
            {
                throw new KmsException(KmsErrorCode.IncorrectKeyMaterial,
                    $"This key material is already associated with {key.Arn} (id: {same.KeyMaterialId}); reimport it with ImportType EXISTING_KEY_MATERIAL.");
            }

            if (materials.FirstOrDefault(m => m.State == KeyMaterialState.PENDING_ROTATION) is { } pending)
            {
                throw new KmsException(KmsErrorCode.KMSInvalidState,
                    $"New key material (id: {materialId}) cannot be imported into KMS key {key.Arn}, because another key material (id: {pending.KeyMaterialId}) is pending rotation.");
            }

            var added = Imported(key, KeyMaterials.NextVersion(materials), materialId, fingerprint, material,
                KeyMaterialState.PENDING_ROTATION, model, validTo, request.Description, now, null);
            return Updated(key, materials, added);
        }

        var target = request.KeyMaterialId is null
            ? materials.First(m => m.Version == key.CurrentMaterialVersion)
            : materials.FirstOrDefault(m => m.KeyMaterialId == request.KeyMaterialId)
              ?? throw KmsErrors.Validation($"Key material {request.KeyMaterialId} is not key material of {key.Arn}.");
        if (target.Fingerprint is null || !CryptographicOperations.FixedTimeEquals(target.Fingerprint, fingerprint))
        {
            throw new KmsException(KmsErrorCode.IncorrectKeyMaterial,
                $"The key material does not match the key material (id: {target.KeyMaterialId}) previously imported into {key.Arn}.");
        }

        var reimported = Imported(key, target.Version, target.KeyMaterialId, fingerprint, material, target.State, model, validTo,
            request.Description ?? target.Description, target.CreatedAt, target);
        var isCurrent = target.Version == key.CurrentMaterialVersion;
        return Updated(key with
        {
            State = isCurrent && key.State == KeyState.PendingImport ? KeyState.Enabled : key.State,
            ExpirationModel = isCurrent ? model : key.ExpirationModel,
        }, materials, reimported);
    }

    private static KeyChange Delete(KeyRecord key, IReadOnlyList<KeyMaterialRecord> materials, KeyMaterialRecord target)
    {
        var deleted = target with { SealedMaterial = null, ImportState = ImportState.PENDING_IMPORT };
        var isCurrent = target.Version == key.CurrentMaterialVersion;
        return Updated(key with
        {
            State = isCurrent && key.State != KeyState.PendingDeletion ? KeyState.PendingImport : key.State,
            ExpirationModel = isCurrent ? null : key.ExpirationModel,
        }, materials, deleted);
    }

    private static KeyChange Updated(KeyRecord key, IReadOnlyList<KeyMaterialRecord> materials, KeyMaterialRecord changed) =>
        new(key with { ValidTo = KeyMaterials.EarliestValidTo(KeyMaterials.With(materials, changed)) }, [changed]);

    private KeyMaterialRecord Imported(
        KeyRecord key, uint version, string materialId, byte[] fingerprint, byte[] material, KeyMaterialState state,
        ExpirationModel model, DateTimeOffset? validTo, string? description, DateTimeOffset createdAt, KeyMaterialRecord? previous) => new()
    {
        KeyId = key.KeyId,
        Version = version,
        KeyMaterialId = materialId,
        SealedMaterial = vault.SealImported(key, version, materialId, material),
        CreatedAt = createdAt,
        State = state,
        ImportState = ImportState.IMPORTED,
        ExpirationModel = model,
        ValidTo = validTo,
        Description = description,
        RotationDate = previous?.RotationDate,
        RotationType = previous?.RotationType,
        Fingerprint = fingerprint,
    };

    private byte[] Unwrap(KeyRecord key, byte[] token, byte[] encryptedMaterial, DateTimeOffset now)
    {
        var contents = tokens.Open(token);
        try
        {
            if (contents.KeyArn != key.Arn)
            {
                throw new KmsException(KmsErrorCode.InvalidImportToken, $"The import token was issued for another KMS key, not {key.Arn}.");
            }

            if (now >= contents.ValidTo)
            {
                throw new KmsException(KmsErrorCode.ExpiredImportToken, "The import token has expired. Call GetParametersForImport for a new one.");
            }

            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(contents.PrivateKeyPkcs8, out _);
            var scheme = contents.Algorithm switch
            {
                WrappingAlgorithm.RSAES_OAEP_SHA_1 => KeyWrapScheme.RsaOaepSha1,
                WrappingAlgorithm.RSAES_OAEP_SHA_256 => KeyWrapScheme.RsaOaepSha256,
                WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1 => KeyWrapScheme.RsaAesKeyWrapSha1,
                _ => KeyWrapScheme.RsaAesKeyWrapSha256,
            };
            return ImportUnwrapper.Unwrap(rsa, scheme, encryptedMaterial);
        }
        catch (CryptographicException)
        {
            throw KmsErrors.InvalidCiphertext();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contents.PrivateKeyPkcs8);
        }
    }

    private static void ValidateExpiry(ExpirationModel model, DateTimeOffset? validTo, DateTimeOffset now)
    {
        if (model == ExpirationModel.KEY_MATERIAL_EXPIRES)
        {
            if (validTo is null)
            {
                throw KmsErrors.Validation("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
            }

            if (validTo <= now || validTo > now + MaxValidity)
            {
                throw KmsErrors.Validation("ValidTo must be in the future and no more than 365 days from now.");
            }
        }
        else if (validTo is not null)
        {
            throw KmsErrors.Validation("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
        }
    }

    /// <summary>Import applies to keys created for imported material, in any state but pending deletion and a
    /// replica's creation (and, but for ImportKeyMaterial itself, a change of primary Region).</summary>
    private static void RequireImportable(KeyRecord key, bool allowUpdating)
    {
        if (key.Origin != KeyOrigin.EXTERNAL)
        {
            throw KmsErrors.OriginNotValid(key.Arn, key.Origin);
        }

        KeyStateRules.RequireNotPendingDeletion(key);
        KeyStateRules.RequireSettled(key, allowUpdating);
    }
}

public sealed record ImportParameters(KeyRecord Key, byte[] PublicKey, byte[] ImportToken, DateTimeOffset ParametersValidTo);

public sealed record ImportRequest(
    string KeyId,
    byte[] ImportToken,
    byte[] EncryptedKeyMaterial,
    DateTimeOffset? ValidTo,
    ExpirationModel? ExpirationModel,
    ImportType? ImportType,
    string? Description,
    string? KeyMaterialId);

public sealed record ImportResult(KeyRecord Key, string KeyMaterialId);
