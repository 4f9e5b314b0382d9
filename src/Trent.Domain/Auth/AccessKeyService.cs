using System.Security.Cryptography;
using System.Text;
using Trent.Crypto.Sealing;
using Trent.Domain.Storage;

namespace Trent.Domain.Auth;

/// <summary>
/// Issues and looks up access keys. Secrets are stored sealed under a domain key and bound to their
/// access key ID and principal, so a sealed secret moved to another row does not unseal.
/// </summary>
public sealed class AccessKeyService(ICredentialStore store, Sealer sealer, ServiceSettings settings, TimeProvider clock)
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The principal and secret of an active access key, or null for an unknown or inactive one.
    /// The caller must wipe <see cref="AccessKeySecret.Secret"/> when done.</summary>
    public async Task<AccessKeySecret?> FindAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        var record = await store.GetAccessKeyAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
        if (record is null || !record.Active)
        {
            return null;
        }

        var secret = new byte[Sealer.PlaintextLength(record.SealedSecret)];
        try
        {
            sealer.Unseal(record.SealedSecret, AssociatedData(record), secret);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var principal = new Principal(record.PrincipalType, record.AccountId, record.PrincipalArn, record.PrincipalId, record.AccessKeyId);
        return new AccessKeySecret(principal, secret);
    }

    /// <summary>
    /// Makes sure an administrator (the account root) can sign in. With explicit credentials they are
    /// stored, replacing any earlier secret of that access key ID. Without them, a key is generated only
    /// when no access key exists yet, atomically: of several nodes starting on one empty store, one makes it.
    /// Returns the credentials that were created, or null.
    /// </summary>
    public async Task<GeneratedCredentials?> EnsureAdministratorAsync(
        string? accessKeyId, string? secretAccessKey, CancellationToken cancellationToken)
    {
        if (accessKeyId is null || secretAccessKey is null)
        {
            if (await store.CountAccessKeysAsync(cancellationToken).ConfigureAwait(false) > 0)
            {
                return null;
            }

            return await StoreAsync(
                Principal.AccountRoot(settings.Partition, settings.DefaultAccountId, null), NewAccessKeyId(), NewSecretAccessKey(), onlyFirst: true, cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            var existing = await FindAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                var same = CryptographicOperations.FixedTimeEquals(existing.Secret, Encoding.UTF8.GetBytes(secretAccessKey));
                CryptographicOperations.ZeroMemory(existing.Secret);
                if (same)
                {
                    return null;
                }
            }
        }

        return await StoreAsync(Principal.AccountRoot(settings.Partition, settings.DefaultAccountId, null), accessKeyId, secretAccessKey, onlyFirst: false, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A new access key for a user or an account root.</summary>
    public async Task<GeneratedCredentials> CreateAsync(Principal owner, CancellationToken cancellationToken) =>
        (await StoreAsync(owner, NewAccessKeyId(), NewSecretAccessKey(), onlyFirst: false, cancellationToken).ConfigureAwait(false))!;

    /// <param name="onlyFirst">Store it only if the store holds no access key at all; null when it did.</param>
    private async Task<GeneratedCredentials?> StoreAsync(
        Principal owner, string accessKeyId, string secretAccessKey, bool onlyFirst, CancellationToken cancellationToken)
    {
        var unsealed = new AccessKeyRecord(
            accessKeyId, owner.AccountId, owner.Arn, owner.Type, owner.PrincipalId, [], clock.GetUtcNow(), Active: true);
        var secretBytes = Encoding.UTF8.GetBytes(secretAccessKey);
        try
        {
            var record = unsealed with { SealedSecret = sealer.Seal(secretBytes, AssociatedData(unsealed)) };
            if (onlyFirst)
            {
                if (!await store.TryAddFirstAccessKeyAsync(record, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
            else
            {
                await store.PutAccessKeyAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretBytes);
        }

        return new GeneratedCredentials(accessKeyId, secretAccessKey, owner.Arn);
    }

    public Task<IReadOnlyList<AccessKeyRecord>> ListAsync(string principalArn, CancellationToken cancellationToken) =>
        store.ListAccessKeysAsync(principalArn, cancellationToken);

    public Task<AccessKeyRecord?> GetAsync(string accessKeyId, CancellationToken cancellationToken) =>
        store.GetAccessKeyAsync(accessKeyId, cancellationToken);

    /// <summary>Raised once an access key is deleted, so that this node's caches of it (SigV4 signing keys) drop it at once.</summary>
    public event Action<string>? Deleted;

    public async Task<bool> DeleteAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAccessKeyAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
        Deleted?.Invoke(accessKeyId);
        return deleted;
    }

    /// <summary>Raised once every access key but one was removed at once (a development reset), so that caches drop them all.</summary>
    public event Action? AllDeleted;

    internal void OnAllDeleted() => AllDeleted?.Invoke();

    public static string NewAccessKeyId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var chars = new char[20];
        "AKIA".CopyTo(chars);
        for (var i = 0; i < 16; i++)
        {
            chars[4 + i] = Base32Alphabet[random[i] & 31];
        }

        return new string(chars);
    }

    public static string NewSecretAccessKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    /// <summary>Binds everything that decides what the key may do (its principal's ARN, type, account and unique
    /// ID), so that editing any of them in the database (say, making a user's key an account root's) stops it unsealing.</summary>
    internal static byte[] AssociatedData(AccessKeyRecord record) =>
        Encoding.UTF8.GetBytes(
            $"trent:access-key:v2\n{record.AccessKeyId}\n{record.AccountId}\n{record.PrincipalArn}\n{record.PrincipalType}\n{record.PrincipalId}");

    /// <summary>What the first sealing format bound (only the upgrade reads it, to re-seal under <see cref="AssociatedData"/>).</summary>
    internal static byte[] LegacyAssociatedData(AccessKeyRecord record) =>
        Encoding.UTF8.GetBytes($"trent:access-key:v1\n{record.AccessKeyId}\n{record.AccountId}\n{record.PrincipalArn}");
}

/// <summary>An unsealed secret access key with its principal.</summary>
public sealed record AccessKeySecret(Principal Principal, byte[] Secret);

/// <summary>Credentials created at bootstrap, to hand to the operator once.</summary>
public sealed record GeneratedCredentials(string AccessKeyId, string SecretAccessKey, string PrincipalArn);
