using System.Security.Cryptography;
using Trent.Crypto.Sealing;
using Trent.Domain.Auth;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Materials;
using Trent.Domain.Storage;

namespace Trent.Domain.Sealing;

/// <summary>What one re-sealing pass did.</summary>
/// <param name="Unreadable">Values that open under no key (tampered with, or moved onto another row): left as they
/// are, since they are never served either.</param>
/// <param name="Skipped">Values that changed meanwhile (the compare-and-set lost): a next pass looks again.</param>
public readonly record struct ResealCounts(int Materials, int AccessKeys, int Passwords, int Skipped, int Unreadable)
{
    /// <summary>Whether the pass re-sealed or skipped anything, so that another pass may find more.</summary>
    public bool Changed => Materials + AccessKeys + Passwords + Skipped > 0;

    /// <summary>Two passes together; the unreadable count is the later pass's (the same values, seen again).</summary>
    public ResealCounts Add(ResealCounts later) =>
        new(Materials + later.Materials, AccessKeys + later.AccessKeys, Passwords + later.Passwords, Skipped + later.Skipped, later.Unreadable);
}

/// <summary>
/// Re-seals every stored value that is not under the current domain key: after a domain-key rotation (values under
/// an older version) and once at the upgrade from the first format (values directly under the root key, opened with
/// <c>legacy</c>). Each replacement is compare-and-set on the old blob, so requests and other nodes writing at the
/// same time lose nothing: a value that changed meanwhile was written under the current key already.
/// </summary>
public sealed class Resealer(IKeyStore keys, ICredentialStore credentials, ICustomKeyStoreStore customKeyStores, Sealer sealer)
{
    private const int PageSize = 200;
    private int _unreadable;

    public async Task<ResealCounts> RunAsync(SealedValueOpener? legacy, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        _unreadable = 0;
        int materials = 0, accessKeys = 0, passwords = 0, skipped = 0;
        string? afterKey = null;
        uint afterVersion = 0;
        while (true)
        {
            var page = await keys.ListSealedMaterialsAsync(afterKey, afterVersion, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var row in page)
            {
                if ((row.KeyId, row.Version) == (afterKey, afterVersion))
                {
                    continue; // another replica of a multi-Region set: the same material
                }

                (afterKey, afterVersion) = (row.KeyId, row.Version);
                var owner = KeyMaterialVault.MaterialOwner(row.Partition, row.AccountId, row.Region, row.KeyId, row.MultiRegion);
                var data = KeyMaterialVault.AssociatedData(owner, row.Version, row.KeyMaterialId);
                switch (await ResealAsync(row.SealedMaterial, data, data, legacy,
                    (sealedValue, replacement) => keys.TryReplaceSealedMaterialAsync(row.KeyId, row.Version, sealedValue, replacement, cancellationToken))
                    .ConfigureAwait(false))
                {
                    case true: materials++; progress?.Report(materials + accessKeys + passwords); break;
                    case false: skipped++; break;
                    case null: break;
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        string? afterAccessKey = null;
        while (true)
        {
            var page = await credentials.ListAllAccessKeysAsync(afterAccessKey, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                afterAccessKey = record.AccessKeyId;
                switch (await ResealAsync(record.SealedSecret, AccessKeyService.LegacyAssociatedData(record), AccessKeyService.AssociatedData(record), legacy,
                    (sealedValue, replacement) => credentials.TryReplaceSealedSecretAsync(record.AccessKeyId, sealedValue, replacement, cancellationToken))
                    .ConfigureAwait(false))
                {
                    case true: accessKeys++; progress?.Report(materials + accessKeys + passwords); break;
                    case false: skipped++; break;
                    case null: break;
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        // Custom key stores are few (one per configured cluster at most): all of them, by state.
        foreach (var state in ConnectionStates.All)
        {
            foreach (var store in await customKeyStores.ListInStateAsync(state, cancellationToken).ConfigureAwait(false))
            {
                var binding = CustomKeyStoreConnections.PasswordBinding(store.AccountId, store.Region, store.CustomKeyStoreId);
                switch (await ResealAsync(store.SealedPassword, binding, binding, legacy, async (sealedValue, replacement) =>
                    await customKeyStores.TryUpdateAsync(store with { SealedPassword = replacement, RowVersion = store.RowVersion + 1 }, store.RowVersion, cancellationToken)
                        .ConfigureAwait(false) == CustomKeyStoreWrite.Done).ConfigureAwait(false))
                {
                    case true: passwords++; progress?.Report(materials + accessKeys + passwords); break;
                    case false: skipped++; break;
                    case null: break;
                }
            }
        }

        return new ResealCounts(materials, accessKeys, passwords, skipped - _unreadable, _unreadable);
    }

    /// <summary>True when re-sealed, false when it changed meanwhile or does not open (counted), null when already under the current key.</summary>
    /// <exception cref="SealedValueException">A value of the first format and no <paramref name="legacy"/> opener.</exception>
    private async Task<bool?> ResealAsync(
        byte[] sealedValue, byte[] legacyData, byte[] currentData, SealedValueOpener? legacy, Func<byte[], byte[], Task<bool>> replace)
    {
        if (Sealer.SealedVersion(sealedValue) == sealer.CurrentVersion)
        {
            return null;
        }

        var plain = Open(sealedValue, legacyData, currentData, legacy);
        if (plain is null)
        {
            Interlocked.Increment(ref _unreadable);
            return false;
        }

        try
        {
            return await replace(sealedValue, sealer.Seal(plain, currentData)).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private byte[]? Open(byte[] sealedValue, byte[] legacyData, byte[] currentData, SealedValueOpener? legacy)
    {
        byte[] plain;
        try
        {
            if (LegacySealing.IsLegacy(sealedValue))
            {
                if (legacy is null)
                {
                    throw new SealedValueException(
                        "The database holds values sealed directly under a root key file by an older Trent; start once with that file as the root of trust to re-seal them.");
                }

                plain = new byte[LegacySealing.LegacyPlaintextLength(sealedValue)];
                legacy(sealedValue, legacyData, plain);
                return plain;
            }

            plain = new byte[Sealer.PlaintextLength(sealedValue)];
            sealer.Unseal(sealedValue, currentData, plain);
            return plain;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>A stored value that cannot be re-sealed; the message is one line for the operator.</summary>
public sealed class SealedValueException(string message, Exception? inner = null) : Exception(message, inner);
