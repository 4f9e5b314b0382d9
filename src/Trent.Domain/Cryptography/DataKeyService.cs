using System.Security.Cryptography;
using Trent.Crypto.Asymmetric;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.Cryptography;

/// <summary>
/// GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext) and GenerateRandom: fresh secrets
/// for the caller, returned encrypted under a symmetric KMS key (a normal ciphertext blob, decryptable with
/// Decrypt) and, unless asked otherwise, in plain form too.
/// </summary>
public sealed class DataKeyService(CryptoKeyAccess access, EncryptionService encryption, IAuthorizer authorizer, KeyGenerationGate generation)
{
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
        var (operation, action) = includePlaintext
            ? ("GenerateDataKey", "kms:GenerateDataKey")
            : ("GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext");
        EncryptionService.SetConditions(context, encryptionContext, algorithm: null);
        var key = await ResolveSymmetricKeyAsync(context, keyId, action, operation, cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        var dataKey = RandomNumberGenerator.GetBytes(length);
        try
        {
            var encrypted = await encryption.EncryptUnderCurrentAsync(key, dataKey, encryptionContext, algorithm: null, cancellationToken).ConfigureAwait(false);
            return new DataKeyResult(key, encrypted.CiphertextBlob, includePlaintext ? dataKey : null, encrypted.KeyMaterialId!);
        }
        finally
        {
            if (!includePlaintext)
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }
    }

    public async Task<DataKeyPairResult> GenerateDataKeyPairAsync(
        RequestContext context,
        string keyId,
        IReadOnlyDictionary<string, string>? encryptionContext,
        DataKeyPairSpec spec,
        bool includePlaintext,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        var (operation, action) = includePlaintext
            ? ("GenerateDataKeyPair", "kms:GenerateDataKeyPair")
            : ("GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyPairWithoutPlaintext");
        EncryptionService.SetConditions(context, encryptionContext, algorithm: null);
        context.Conditions.DataKeyPairSpec = spec.ToString();
        var key = await ResolveSymmetricKeyAsync(context, keyId, action, operation, cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        var kind = KeySpecRules.PairKind(spec);
        var privateKey = await generation.RunAsync(() => KeyPairs.Generate(kind), cancellationToken).ConfigureAwait(false);
        try
        {
            var publicKey = KeyPairs.PublicKey(kind, privateKey);
            var encrypted = await encryption.EncryptUnderCurrentAsync(key, privateKey, encryptionContext, algorithm: null, cancellationToken).ConfigureAwait(false);
            return new DataKeyPairResult(key, spec, publicKey, encrypted.CiphertextBlob, includePlaintext ? privateKey : null, encrypted.KeyMaterialId!);
        }
        finally
        {
            if (!includePlaintext)
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
    }

    public async ValueTask<byte[]> GenerateRandomAsync(RequestContext context, int? numberOfBytes, string? customKeyStoreId, CancellationToken cancellationToken)
    {
        if (numberOfBytes is null)
        {
            throw KmsErrors.Validation("NumberOfBytes is required.");
        }

        if (customKeyStoreId is not null)
        {
            throw new KmsException(KmsErrorCode.UnsupportedOperation, "Custom key stores are not supported by this Trent server yet.");
        }

        await authorizer.AuthorizeAsync(context, "kms:GenerateRandom", key: null, cancellationToken).ConfigureAwait(false);
        return RandomNumberGenerator.GetBytes(numberOfBytes.Value);
    }

    /// <summary>Data keys and data key pairs are encrypted under symmetric encryption keys only.</summary>
    private async Task<KeyRecord> ResolveSymmetricKeyAsync(
        RequestContext context, string keyId, string action, string operation, CancellationToken cancellationToken)
    {
        var key = await access.ResolveForUseAsync(context, keyId, action, operation, KeyUsage.ENCRYPT_DECRYPT, cancellationToken)
            .ConfigureAwait(false);
        if (key.KeySpec != KeySpec.SYMMETRIC_DEFAULT)
        {
            throw KmsErrors.IncompatibleAlgorithm(nameof(EncryptionAlgorithm.SYMMETRIC_DEFAULT), key.KeySpec.ToString());
        }

        return key;
    }
}
