using System.Security.Cryptography;
using Trent.Crypto.Ciphertext;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.KeyBackends;
using Trent.Domain.Keys;

namespace Trent.Domain.Cryptography;

/// <summary>
/// Encrypt, Decrypt and ReEncrypt, with symmetric keys (Trent's authenticated ciphertext blob, which names
/// its key) and with asymmetric ENCRYPT_DECRYPT keys (RSA OAEP, SM2PKE: the caller names key and algorithm).
/// The order of checks follows AWS: resolve the key, authorize, key state, key usage, parameters, crypto.
/// </summary>
public sealed class EncryptionService(
    KeyResolver resolver,
    IAuthorizer authorizer,
    KeyBackendSelector backends)
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
        await authorizer.AuthorizeAsync(context, "kms:Encrypt", key, cancellationToken).ConfigureAwait(false);
        CheckEncryptionKey(key, "Encrypt", algorithm, plaintext.Length, encryptionContext);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        return await EncryptUnderCurrentAsync(key, plaintext, encryptionContext, algorithm, cancellationToken).ConfigureAwait(false);
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
        var (key, header) = await ResolveSourceKeyAsync(context, ciphertextBlob, keyId, "KeyId", dryRun && ignoreCiphertext, cancellationToken)
            .ConfigureAwait(false);
        SetConditions(context, encryptionContext, algorithm);
        await authorizer.AuthorizeAsync(context, "kms:Decrypt", key, cancellationToken).ConfigureAwait(false);
        CheckDecryptionKey(key, "Decrypt", algorithm, encryptionContext);
        if (dryRun && ignoreCiphertext)
        {
            throw KmsErrors.DryRun();
        }

        var decrypted = await DecryptWithKeyAsync(key, header, RequireCiphertext(ciphertextBlob), encryptionContext, algorithm, cancellationToken)
            .ConfigureAwait(false);
        if (dryRun)
        {
            CryptographicOperations.ZeroMemory(decrypted.Plaintext);
            throw KmsErrors.DryRun();
        }

        return decrypted;
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
        var (source, header) = await ResolveSourceKeyAsync(
            context, ciphertextBlob, sourceKeyId, "SourceKeyId", dryRun && ignoreCiphertext, cancellationToken).ConfigureAwait(false);
        SetConditions(context, sourceEncryptionContext, sourceAlgorithm);
        await authorizer.AuthorizeAsync(context, "kms:ReEncryptFrom", source, cancellationToken).ConfigureAwait(false);
        CheckDecryptionKey(source, "ReEncrypt", sourceAlgorithm, sourceEncryptionContext);
        context.Conditions.RequestAlias = null; // kms:RequestAlias of ReEncryptTo is the destination's alias, if any

        var destination = await resolver.ResolveAsync(context, destinationKeyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
        SetConditions(context, destinationEncryptionContext, destinationAlgorithm);
        context.Conditions.ReEncryptOnSameKey = source.Arn == destination.Arn;
        await authorizer.AuthorizeAsync(context, "kms:ReEncryptTo", destination, cancellationToken).ConfigureAwait(false);
        CheckEncryptionKey(destination, "ReEncrypt", destinationAlgorithm, plaintextLength: 0, destinationEncryptionContext);
        if (dryRun && ignoreCiphertext)
        {
            throw KmsErrors.DryRun();
        }

        var decrypted = await DecryptWithKeyAsync(source, header, ciphertextBlob!, sourceEncryptionContext, sourceAlgorithm, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            if (KeySpecRules.IsAsymmetric(destination.KeySpec))
            {
                AsymmetricCiphers.CheckEncrypt(destination, destinationAlgorithm, decrypted.Plaintext.Length, destinationEncryptionContext);
            }

            if (dryRun)
            {
                throw KmsErrors.DryRun();
            }

            var encrypted = await EncryptUnderCurrentAsync(destination, decrypted.Plaintext, destinationEncryptionContext, destinationAlgorithm, cancellationToken)
                .ConfigureAwait(false);
            return new ReEncryptResult(decrypted, encrypted);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decrypted.Plaintext);
        }
    }

    /// <summary>Encrypts under the key's current material: symmetric keys by their backend, with the encryption context as AAD.</summary>
    public async Task<EncryptResult> EncryptUnderCurrentAsync(
        KeyRecord key,
        byte[] plaintext,
        IReadOnlyDictionary<string, string>? encryptionContext,
        EncryptionAlgorithm? algorithm,
        CancellationToken cancellationToken)
    {
        if (key.KeySpec == KeySpec.SYMMETRIC_DEFAULT)
        {
            return await backends.For(key).EncryptAsync(key, plaintext, encryptionContext, cancellationToken).ConfigureAwait(false);
        }

        var chosen = algorithm!.Value;
        var ciphertext = await backends.Asymmetric(key).EncryptAsync(key, chosen, plaintext, cancellationToken).ConfigureAwait(false);
        return new EncryptResult(key, ciphertext, chosen, KeyMaterialId: null);
    }

    /// <summary>The condition values of an encryption operation (kms:EncryptionContext:*, kms:EncryptionAlgorithm).</summary>
    internal static void SetConditions(RequestContext context, IReadOnlyDictionary<string, string>? encryptionContext, EncryptionAlgorithm? algorithm)
    {
        var conditions = context.Conditions;
        conditions.EncryptionContext = encryptionContext;
        conditions.EncryptionAlgorithm = algorithm is null or EncryptionAlgorithm.SYMMETRIC_DEFAULT ? SymmetricDefault : algorithm.Value.ToString();
    }

    private const string SymmetricDefault = nameof(EncryptionAlgorithm.SYMMETRIC_DEFAULT);

    /// <summary>CiphertextBlob is optional in the model only because of IGNORE_CIPHERTEXT dry runs.</summary>
    private static byte[] RequireCiphertext(byte[]? ciphertextBlob) =>
        ciphertextBlob ?? throw KmsErrors.Validation(
            "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null");

    /// <summary>
    /// The key to decrypt with: the one the caller names when it is asymmetric (its ciphertext names no key)
    /// or when an IGNORE_CIPHERTEXT dry run has no ciphertext; otherwise the one the symmetric blob names.
    /// </summary>
    private async Task<(KeyRecord Key, CiphertextHeader Header)> ResolveSourceKeyAsync(
        RequestContext context, byte[]? ciphertextBlob, string? keyId, string keyIdMember, bool ignoreCiphertext, CancellationToken cancellationToken)
    {
        if (ignoreCiphertext && keyId is null)
        {
            throw KmsErrors.Validation($"{keyIdMember} is required when DryRunModifiers includes IGNORE_CIPHERTEXT.");
        }

        var named = keyId is null ? null : await resolver.ResolveAsync(context, keyId, KeyIdForms.KeyOrAlias, cancellationToken).ConfigureAwait(false);
        return ignoreCiphertext || named is { KeySpec: not KeySpec.SYMMETRIC_DEFAULT }
            ? (named!, default)
            : await ResolveCiphertextKeyAsync(context, RequireCiphertext(ciphertextBlob), named, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds the key a symmetric ciphertext names, checking it against the key the caller named, if any.</summary>
    private async Task<(KeyRecord Key, CiphertextHeader Header)> ResolveCiphertextKeyAsync(
        RequestContext context, byte[] ciphertextBlob, KeyRecord? named, CancellationToken cancellationToken)
    {
        if (!SymmetricCiphertext.TryReadHeader(ciphertextBlob, out var header)
            || !KeyId.TryFromReference(header.KeyReference, out var blobKeyId))
        {
            throw KmsErrors.InvalidCiphertext();
        }

        if (named is not null)
        {
            return string.Equals(named.KeyId, blobKeyId, StringComparison.Ordinal) ? (named, header) : throw KmsErrors.IncorrectKey();
        }

        var key = await resolver.FindAsync(context.Caller.AccountId, context.Region.Name, blobKeyId, fresh: false, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(
                KmsErrorCode.AccessDenied,
                "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.");
        context.AddResource(key.Arn);
        return (key, header);
    }

    private async Task<DecryptResult> DecryptWithKeyAsync(
        KeyRecord key,
        CiphertextHeader header,
        byte[] ciphertextBlob,
        IReadOnlyDictionary<string, string>? encryptionContext,
        EncryptionAlgorithm? algorithm,
        CancellationToken cancellationToken)
    {
        if (key.KeySpec != KeySpec.SYMMETRIC_DEFAULT)
        {
            var chosen = algorithm!.Value;
            var plaintext = await backends.Asymmetric(key).DecryptAsync(key, chosen, ciphertextBlob, cancellationToken).ConfigureAwait(false);
            return new DecryptResult(key, plaintext, chosen, KeyMaterialId: null);
        }

        if (header.MaterialVersion == 0 || header.MaterialVersion > key.CurrentMaterialVersion)
        {
            throw KmsErrors.InvalidCiphertext();
        }

        return await backends.For(key, header).DecryptAsync(key, header, ciphertextBlob, encryptionContext, cancellationToken).ConfigureAwait(false)
            ?? throw KmsErrors.InvalidCiphertext();
    }

    private static void CheckEncryptionKey(
        KeyRecord key, string operation, EncryptionAlgorithm? algorithm, int plaintextLength, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        CryptoKeyAccess.RequireUsage(key, operation, KeyUsage.ENCRYPT_DECRYPT);
        if (KeySpecRules.IsAsymmetric(key.KeySpec))
        {
            AsymmetricCiphers.CheckEncrypt(key, algorithm, plaintextLength, encryptionContext);
            return;
        }

        RequireSymmetricAlgorithm(key, algorithm);
    }

    private static void CheckDecryptionKey(
        KeyRecord key, string operation, EncryptionAlgorithm? algorithm, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        CryptoKeyAccess.RequireUsage(key, operation, KeyUsage.ENCRYPT_DECRYPT);
        if (KeySpecRules.IsAsymmetric(key.KeySpec))
        {
            AsymmetricCiphers.RequireAlgorithm(key, algorithm, encryptionContext);
            return;
        }

        RequireSymmetricAlgorithm(key, algorithm);
    }

    private static void RequireSymmetricAlgorithm(KeyRecord key, EncryptionAlgorithm? algorithm)
    {
        if (key.KeySpec != KeySpec.SYMMETRIC_DEFAULT || algorithm is not null and not EncryptionAlgorithm.SYMMETRIC_DEFAULT)
        {
            throw KmsErrors.IncompatibleAlgorithm((algorithm ?? EncryptionAlgorithm.SYMMETRIC_DEFAULT).ToString(), key.KeySpec.ToString());
        }
    }
}
