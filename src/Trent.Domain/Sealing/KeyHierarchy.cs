using System.Security.Cryptography;
using System.Text;
using Trent.Crypto.RootOfTrust;
using Trent.Crypto.Sealing;
using Trent.Domain.Storage;

namespace Trent.Domain.Sealing;

/// <summary>
/// Root of trust → domain keys → everything sealed. Opens the domain keys stored (wrapped) in the database,
/// creating the first ones when there are none; several nodes starting on one empty database settle on one set
/// (the store's unique versions decide, every node then unwraps what was stored).
/// </summary>
public static class KeyHierarchy
{
    public const string DomainPurpose = "domain";
    public const string FingerprintPurpose = "fingerprint";

    /// <summary>Set once every value sealed directly under the root (the first format) is re-sealed under a domain key.</summary>
    public const string LegacyRetiredMarker = "legacy-sealing-retired";

    /// <param name="legacyFingerprintKey">For an installation made before the hierarchy: the fingerprint key it used,
    /// so imported material keeps its key material ID. Null for a new installation (a random key).</param>
    /// <param name="activationDelay">How long a new domain key waits before it seals anything (see <see cref="CurrentVersion"/>).</param>
    public static async Task<DomainKeyRing> OpenAsync(
        IRootOfTrust root, IKeyHierarchyStore store, TimeProvider clock, Func<byte[]>? legacyFingerprintKey, TimeSpan activationDelay,
        CancellationToken cancellationToken)
    {
        var stored = await store.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false);
        if (!stored.Any(k => k.Purpose == DomainPurpose) || !stored.Any(k => k.Purpose == FingerprintPurpose))
        {
            var now = clock.GetUtcNow();
            if (!stored.Any(k => k.Purpose == FingerprintPurpose))
            {
                await AddAsync(root, store, FingerprintPurpose, 1, legacyFingerprintKey?.Invoke() ?? RandomNumberGenerator.GetBytes(DomainKeyRing.KeySize), now, cancellationToken)
                    .ConfigureAwait(false);
            }

            if (!stored.Any(k => k.Purpose == DomainPurpose))
            {
                await AddAsync(root, store, DomainPurpose, 1, RandomNumberGenerator.GetBytes(DomainKeyRing.KeySize), now, cancellationToken).ConfigureAwait(false);
            }

            stored = await store.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false);
        }

        return Unwrap(root, stored, CurrentVersion(stored, clock.GetUtcNow(), activationDelay));
    }

    /// <summary>
    /// The domain key version that seals new values: the newest whose activation delay has passed, or the oldest
    /// when none has (the first start). Every node of a shared store refreshes its ring more often than the delay,
    /// so each one can open a value before any node seals under a new version.
    /// </summary>
    public static uint CurrentVersion(IReadOnlyList<WrappedKeyRecord> stored, DateTimeOffset now, TimeSpan activationDelay)
    {
        var domain = stored.Where(k => k.Purpose == DomainPurpose).ToList();
        var active = domain.Where(k => k.CreatedAt + activationDelay <= now).Select(k => k.Version).DefaultIfEmpty().Max();
        return active != 0 ? active : domain.Min(k => k.Version);
    }

    /// <summary>Brings a running node's ring up to the store: unwraps versions another node (or a rotation) added and
    /// activates the current one. The root of trust is called only for a version the ring lacks. Returns the current version.</summary>
    public static async Task<uint> RefreshAsync(
        IRootOfTrust root, IKeyHierarchyStore store, DomainKeyRing ring, TimeProvider clock, TimeSpan activationDelay, CancellationToken cancellationToken)
    {
        var stored = await store.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false);
        var known = ring.Versions;
        foreach (var record in stored.Where(k => k.Purpose == DomainPurpose && !known.Contains(k.Version)))
        {
            var key = new byte[DomainKeyRing.KeySize];
            try
            {
                UnwrapOne(root, record, key);
                ring.Add(record.Version, key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        var current = CurrentVersion(stored, clock.GetUtcNow(), activationDelay);
        if (current != ring.Current)
        {
            ring.Activate(current);
        }

        return current;
    }

    /// <summary>Adds the next domain key version (a <c>trent root rotate</c>); values sealed before stay readable
    /// under the older versions until re-sealed. Returns the new version.</summary>
    public static async Task<uint> AddDomainKeyAsync(IRootOfTrust root, IKeyHierarchyStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            var stored = await store.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false);
            var next = stored.Where(k => k.Purpose == DomainPurpose).Select(k => k.Version).DefaultIfEmpty(0u).Max() + 1;
            if (await AddAsync(root, store, DomainPurpose, next, RandomNumberGenerator.GetBytes(DomainKeyRing.KeySize), clock.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false))
            {
                return next;
            }
        }
    }

    /// <summary>Unwraps every stored key into a ring; a root that is not the one they were wrapped under stops here.</summary>
    public static DomainKeyRing Unwrap(IRootOfTrust root, IReadOnlyList<WrappedKeyRecord> stored, uint? current = null)
    {
        var domain = new List<KeyValuePair<uint, byte[]>>();
        var fingerprint = new byte[DomainKeyRing.KeySize];
        try
        {
            foreach (var record in stored)
            {
                var key = new byte[DomainKeyRing.KeySize];
                try
                {
                    UnwrapOne(root, record, key);
                }
                catch
                {
                    CryptographicOperations.ZeroMemory(key);
                    throw;
                }

                if (record.Purpose == FingerprintPurpose)
                {
                    key.CopyTo(fingerprint, 0);
                    CryptographicOperations.ZeroMemory(key);
                }
                else if (record.Purpose == DomainPurpose)
                {
                    domain.Add(new(record.Version, key));
                }
                else
                {
                    CryptographicOperations.ZeroMemory(key);
                }
            }

            return new DomainKeyRing(domain, fingerprint, current);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fingerprint);
            foreach (var (_, key) in domain)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    private static void UnwrapOne(IRootOfTrust root, WrappedKeyRecord record, Span<byte> key)
    {
        try
        {
            root.Unwrap(record.Wrapped, AssociatedData(record.Purpose, record.Version), key);
        }
        catch (CryptographicException e)
        {
            throw new RootOfTrustUnavailableException(
                $"The root of trust ({root.Description}) cannot unwrap the database's {record.Purpose} key version {record.Version}: it is not the root of trust the data was sealed under.",
                e);
        }
    }

    private static async Task<bool> AddAsync(
        IRootOfTrust root, IKeyHierarchyStore store, string purpose, uint version, byte[] key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var wrapped = root.Wrap(key, AssociatedData(purpose, version));
            return await store.TryAddWrappedKeyAsync(new WrappedKeyRecord(purpose, version, wrapped, now), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] AssociatedData(string purpose, uint version) => Encoding.UTF8.GetBytes($"trent:wrapped-key:v1\n{purpose}\n{version}");
}
