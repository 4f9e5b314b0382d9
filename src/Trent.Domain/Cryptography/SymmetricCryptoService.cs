using System.Security.Cryptography;
using Trent.Crypto.Ciphertext;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.Cryptography;

/// <summary>
/// Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and GenerateRandom for SYMMETRIC_DEFAULT
/// keys. The order of checks follows AWS: resolve the key, authorize, key state, key usage, parameters, crypto.
/// </summary>
public sealed class SymmetricCryptoService(
    KeyResolver resolver,
    IAuthorizer authorizer,
    KeyMaterialVault vault)
{
    public const int MaxPlaintextBytes = 4096;

    public async Task<EncryptResult> EncryptAsync(
        RequestContext context,
        string keyId,
        byte[] plaintext,
        IReadOnlyDictionary<string, string>? encryptionContext,
        EncryptionAlgorithm? algorithm,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
        SetConditions(context, encryptionContext, algorithm);
        authorizer.Authorize(context, "kms:Encrypt", key);
        RequireSymmetricEncryptionKey(key, "Encrypt", algorithm);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        var (blob, materialId) = await EncryptUnderCurrentAsync(key, plaintext, encryptionContext, cancellationToken).ConfigureAwait(false);
        return new EncryptResult(key, blob, materialId);
    }

    public async Task<DecryptResult> DecryptAsync(
        RequestContext context,
        byte[]? ciphertextBlob,
        IReadOnlyDictionary<string, string>? encryptionContext,
        string? keyId,
        EncryptionAlgorithm? algorithm,
        bool dryRun,
        bool ignoreCiphertext,
        CancellationToken cancellationToken)
    {
        if (dryRun && ignoreCiphertext)
        {
            if (keyId is null)
            {
                throw KmsErrors.Validation("KeyId is required when DryRunModifiers includes IGNORE_CIPHERTEXT.");
            }

            var named = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
            SetConditions(context, encryptionContext, algorithm);
            authorizer.Authorize(context, "kms:Decrypt", named);
            RequireSymmetricEncryptionKey(named, "Decrypt", algorithm);
            throw KmsErrors.DryRun();
        }

        var (key, header) = await ResolveCiphertextKeyAsync(context, RequireCiphertext(ciphertextBlob), keyId, cancellationToken).ConfigureAwait(false);
        SetConditions(context, encryptionContext, algorithm);
        authorizer.Authorize(context, "kms:Decrypt", key);
        RequireSymmetricEncryptionKey(key, "Decrypt", algorithm);
        var (plaintext, materialId) = await DecryptWithKeyAsync(key, header, ciphertextBlob!, encryptionContext, cancellationToken)
            .ConfigureAwait(false);
        if (dryRun)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw KmsErrors.DryRun();
        }

        return new DecryptResult(key, plaintext, materialId);
    }

    public async Task<ReEncryptResult> ReEncryptAsync(
        RequestContext context,
        byte[]? ciphertextBlob,
        IReadOnlyDictionary<string, string>? sourceEncryptionContext,
        string? sourceKeyId,
        EncryptionAlgorithm? sourceAlgorithm,
        string destinationKeyId,
        IReadOnlyDictionary<string, string>? destinationEncryptionContext,
        EncryptionAlgorithm? destinationAlgorithm,
        bool dryRun,
        bool ignoreCiphertext,
        CancellationToken cancellationToken)
    {
        KeyRecord source;
        CiphertextHeader header = default;
        if (dryRun && ignoreCiphertext)
        {
            source = await resolver.ResolveAsync(
                context,
                sourceKeyId ?? throw KmsErrors.Validation("SourceKeyId is required when DryRunModifiers includes IGNORE_CIPHERTEXT."),
                KeyIdForms.KeyOrAlias,
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            (source, header) = await ResolveCiphertextKeyAsync(context, RequireCiphertext(ciphertextBlob), sourceKeyId, cancellationToken).ConfigureAwait(false);
        }

        SetConditions(context, sourceEncryptionContext, sourceAlgorithm);
        authorizer.Authorize(context, "kms:ReEncryptFrom", source);
        RequireSymmetricEncryptionKey(source, "ReEncrypt", sourceAlgorithm);
        context.Conditions.RequestAlias = null; // kms:RequestAlias of ReEncryptTo is the destination's alias, if any

        var destination = await resolver.ResolveAsync(context, destinationKeyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
        SetConditions(context, destinationEncryptionContext, destinationAlgorithm);
        context.Conditions.ReEncryptOnSameKey = source.Arn == destination.Arn;
        authorizer.Authorize(context, "kms:ReEncryptTo", destination);
        RequireSymmetricEncryptionKey(destination, "ReEncrypt", destinationAlgorithm);
        if (dryRun && ignoreCiphertext)
        {
            throw KmsErrors.DryRun();
        }

        var (plaintext, sourceMaterialId) = await DecryptWithKeyAsync(source, header, ciphertextBlob!, sourceEncryptionContext, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            if (dryRun)
            {
                throw KmsErrors.DryRun();
            }

            var (blob, materialId) = await EncryptUnderCurrentAsync(destination, plaintext, destinationEncryptionContext, cancellationToken)
                .ConfigureAwait(false);
            return new ReEncryptResult(source, sourceMaterialId, destination, blob, materialId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async Task<DataKeyResult> GenerateDataKeyAsync(
        RequestContext context,
        string keyId,
        IReadOnlyDictionary<string, string>? encryptionContext,
        int? numberOfBytes,
        DataKeySpec? keySpec,
        bool includePlaintext,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        if ((numberOfBytes is null) == (keySpec is null))
        {
            throw KmsErrors.Validation("Please specify either number of bytes or key spec.");
        }

        var length = numberOfBytes ?? (keySpec == DataKeySpec.AES_128 ? 16 : 32);
        var operation = includePlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";
        var key = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
        SetConditions(context, encryptionContext, algorithm: null);
        authorizer.Authorize(context, "kms:" + operation, key);
        RequireSymmetricEncryptionKey(key, operation, algorithm: null);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        var dataKey = RandomNumberGenerator.GetBytes(length);
        try
        {
            var (blob, materialId) = await EncryptUnderCurrentAsync(key, dataKey, encryptionContext, cancellationToken).ConfigureAwait(false);
            return new DataKeyResult(key, blob, includePlaintext ? dataKey : null, materialId);
        }
        finally
        {
            if (!includePlaintext)
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }
    }

    public byte[] GenerateRandom(RequestContext context, int? numberOfBytes, string? customKeyStoreId)
    {
        if (numberOfBytes is null)
        {
            throw KmsErrors.Validation("NumberOfBytes is required.");
        }

        if (customKeyStoreId is not null)
        {
            throw new KmsException(KmsErrorCode.UnsupportedOperation, "Custom key stores are not supported by this Trent server yet.");
        }

        authorizer.Authorize(context, "kms:GenerateRandom", key: null);
        return RandomNumberGenerator.GetBytes(numberOfBytes.Value);
    }

    /// <summary>The condition values of a symmetric operation (kms:EncryptionContext:*, kms:EncryptionAlgorithm).</summary>
    private static void SetConditions(RequestContext context, IReadOnlyDictionary<string, string>? encryptionContext, EncryptionAlgorithm? algorithm)
    {
        var conditions = context.Conditions;
        conditions.EncryptionContext = encryptionContext;
        conditions.EncryptionAlgorithm = algorithm is null or EncryptionAlgorithm.SYMMETRIC_DEFAULT ? SymmetricDefault : algorithm.Value.ToString();
    }

    private const string SymmetricDefault = nameof(EncryptionAlgorithm.SYMMETRIC_DEFAULT);

    /// <summary>Encrypts under the key's current material: the blob, and the ID of the material that made it.</summary>
    private async Task<(byte[] Blob, string KeyMaterialId)> EncryptUnderCurrentAsync(
        KeyRecord key, byte[] plaintext, IReadOnlyDictionary<string, string>? encryptionContext, CancellationToken cancellationToken)
    {
        using var lease = await vault.AcquireAsync(key, key.CurrentMaterialVersion, cancellationToken).ConfigureAwait(false);
        return (SymmetricCiphertext.Encrypt(lease.Key, KeyId.ToReference(key.KeyId), lease.Version, plaintext, encryptionContext), lease.KeyMaterialId);
    }

    /// <summary>CiphertextBlob is optional in the model only because of IGNORE_CIPHERTEXT dry runs.</summary>
    private static byte[] RequireCiphertext(byte[]? ciphertextBlob) =>
        ciphertextBlob ?? throw KmsErrors.Validation(
            "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null");

    /// <summary>Finds the key a symmetric ciphertext names, checking it against the KeyId the caller gave, if any.</summary>
    private async Task<(KeyRecord Key, CiphertextHeader Header)> ResolveCiphertextKeyAsync(
        RequestContext context, byte[] ciphertextBlob, string? keyId, CancellationToken cancellationToken)
    {
        if (!SymmetricCiphertext.TryReadHeader(ciphertextBlob, out var header)
            || !KeyId.TryFromReference(header.KeyReference, out var blobKeyId))
        {
            throw KmsErrors.InvalidCiphertext();
        }

        if (keyId is not null)
        {
            var named = await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(named.KeyId, blobKeyId, StringComparison.Ordinal))
            {
                throw KmsErrors.IncorrectKey();
            }

            return (named, header);
        }

        var key = await resolver.FindAsync(context.Caller.AccountId, blobKeyId, fresh: false, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(
                KmsErrorCode.AccessDenied,
                "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.");
        context.AddResource(key.Arn);
        return (key, header);
    }

    private async Task<(byte[] Plaintext, string KeyMaterialId)> DecryptWithKeyAsync(
        KeyRecord key,
        CiphertextHeader header,
        byte[] ciphertextBlob,
        IReadOnlyDictionary<string, string>? encryptionContext,
        CancellationToken cancellationToken)
    {
        if (header.MaterialVersion == 0 || header.MaterialVersion > key.CurrentMaterialVersion)
        {
            throw KmsErrors.InvalidCiphertext();
        }

        using var lease = await vault.AcquireAsync(key, header.MaterialVersion, cancellationToken).ConfigureAwait(false);
        return SymmetricCiphertext.TryDecrypt(lease.Key, ciphertextBlob, encryptionContext, out var plaintext)
            ? (plaintext, lease.KeyMaterialId)
            : throw KmsErrors.InvalidCiphertext();
    }

    private static void RequireSymmetricEncryptionKey(KeyRecord key, string operation, EncryptionAlgorithm? algorithm)
    {
        KeyStateRules.RequireUsable(key);
        if (key.KeyUsage != KeyUsage.ENCRYPT_DECRYPT)
        {
            throw KmsErrors.WrongKeyUsage(key.Arn, key.KeyUsage.ToString(), operation);
        }

        if (key.KeySpec != KeySpec.SYMMETRIC_DEFAULT)
        {
            throw KmsErrors.IncompatibleAlgorithm((algorithm ?? EncryptionAlgorithm.SYMMETRIC_DEFAULT).ToString(), key.KeySpec.ToString());
        }

        if (algorithm is not null and not EncryptionAlgorithm.SYMMETRIC_DEFAULT)
        {
            throw KmsErrors.IncompatibleAlgorithm(algorithm.Value.ToString(), key.KeySpec.ToString());
        }
    }
}
