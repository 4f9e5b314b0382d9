using Trent.Crypto.RootOfTrust;
using Trent.Crypto.Sealing;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Storage;

namespace Trent.Domain.Sealing;

/// <summary>How a node keeps its domain keys current.</summary>
/// <param name="ActivationDelay">How long a new domain key waits before it seals anything; longer than
/// <paramref name="RefreshInterval"/> on a store that several nodes share, zero for a one-process store.</param>
/// <param name="RefreshInterval">How often a node reads the store's domain keys (and re-seals after a rotation).</param>
public sealed record KeyHierarchySettings(TimeSpan ActivationDelay, TimeSpan RefreshInterval);

/// <summary>One domain key version as <c>trent root status</c> shows it.</summary>
public sealed record DomainKeyVersionInfo(uint Version, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt, bool Current);

/// <summary>The installation's key hierarchy as an operator sees it: never a key, only where the root is and which versions exist.</summary>
/// <param name="ResealPending">Whether values sealed under an older version may remain (no complete pass under the
/// current version is recorded in the store, by any node).</param>
/// <param name="LastResealPass">The newest pass this node made (another node may have made the one that counts).</param>
public sealed record KeyHierarchyDescription(
    string RootOfTrust, uint CurrentVersion, IReadOnlyList<DomainKeyVersionInfo> Versions, bool ResealPending, ResealPass? LastResealPass);

/// <summary>The outcome of the newest complete re-sealing pass on this node.</summary>
public sealed record ResealPass(uint UnderVersion, DateTimeOffset FinishedAt, ResealCounts Counts);

/// <summary>
/// Rotation of the domain key (<c>trent root rotate</c>): a new version is wrapped by the root of trust and stored;
/// every node picks it up within <see cref="KeyHierarchySettings.RefreshInterval"/>, it starts sealing after the
/// activation delay, and a background pass re-seals older values under it. Nothing stops serving meanwhile, and
/// old versions stay in the ring, so values sealed under them (and session or import tokens) remain readable.
/// Only the installation's administrator account may rotate or describe it: domain keys are shared by every account.
/// </summary>
public sealed class DomainKeyService(
    IRootOfTrust root, DomainKeyRing ring, IKeyHierarchyStore store, IAuthorizer authorizer, ServiceSettings settings, KeyHierarchySettings hierarchy,
    TimeProvider clock)
{
    private volatile ResealPass? _lastPass;
    private uint _resealedVersion;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public const string RotateAction = "trent:RotateDomainKey";
    public const string DescribeAction = "trent:DescribeKeyHierarchy";

    /// <summary>The marker set once a complete pass has re-sealed every readable value under <paramref name="version"/>.</summary>
    public static string ResealedMarker(uint version) => $"resealed-under-domain-key-v{version}";

    public async Task<DomainKeyVersionInfo> RotateAsync(RequestContext context, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(context, RotateAction, cancellationToken).ConfigureAwait(false);
        var version = await KeyHierarchy.AddDomainKeyAsync(root, store, clock, cancellationToken).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        Wake();
        var added = (await store.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false))
            .Single(k => k.Purpose == KeyHierarchy.DomainPurpose && k.Version == version);
        return Info(added, ring.Current);
    }

    public async Task<KeyHierarchyDescription> DescribeAsync(RequestContext context, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(context, DescribeAction, cancellationToken).ConfigureAwait(false);
        var stored = await store.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false);
        var current = ring.Current;
        return new KeyHierarchyDescription(
            root.Description,
            current,
            [.. stored.Where(k => k.Purpose == KeyHierarchy.DomainPurpose).Select(k => Info(k, current))],
            await ResealPendingAsync(cancellationToken).ConfigureAwait(false),
            _lastPass);
    }

    /// <summary>Brings the ring up to the store (the background worker calls it every refresh interval).</summary>
    public Task<uint> RefreshAsync(CancellationToken cancellationToken) =>
        KeyHierarchy.RefreshAsync(root, store, ring, clock, hierarchy.ActivationDelay, cancellationToken);

    /// <summary>Waits for the next refresh interval, or less when a rotation asks for a pass now.</summary>
    public Task WaitForNextRefreshAsync(CancellationToken cancellationToken) => _wake.WaitAsync(hierarchy.RefreshInterval, cancellationToken);

    /// <summary>Whether values under an older version may remain: older versions exist and no complete pass under
    /// the current one is recorded.</summary>
    public async Task<bool> ResealPendingAsync(CancellationToken cancellationToken)
    {
        var current = ring.Current;
        if (ring.Versions.Count <= 1 || Volatile.Read(ref _resealedVersion) == current)
        {
            return false;
        }

        // A marker, once set, stays: remembered, so that the worker stops asking the store every refresh.
        if (!await store.HasMarkerAsync(ResealedMarker(current), cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        Volatile.Write(ref _resealedVersion, current);
        return false;
    }

    /// <summary>
    /// Whether a pass should run now: one is pending and the current version has sealed for a grace period. A request
    /// (on any node, which activates at its next refresh) may have sealed under the old version just before and write
    /// it a moment later; a pass that started at once would walk past that row and call the store done.
    /// </summary>
    public async Task<bool> ResealDueAsync(CancellationToken cancellationToken)
    {
        if (!await ResealPendingAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var current = ring.Current;
        var record = (await store.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(k => k.Purpose == KeyHierarchy.DomainPurpose && k.Version == current);
        return record is null || clock.GetUtcNow() >= record.CreatedAt + hierarchy.ActivationDelay + ResealGrace;
    }

    /// <summary>How long after activation a pass waits: two refreshes (every node seals under the new version) and a second for requests in flight.</summary>
    public TimeSpan ResealGrace => 2 * hierarchy.RefreshInterval + TimeSpan.FromSeconds(1);

    public async Task RecordPassAsync(uint version, ResealCounts counts, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        _lastPass = new ResealPass(version, now, counts);
        await store.SetMarkerAsync(ResealedMarker(version), now, cancellationToken).ConfigureAwait(false);
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // a wake-up is pending already
        }
    }

    private async Task AuthorizeAsync(RequestContext context, string action, CancellationToken cancellationToken)
    {
        if (!string.Equals(context.Caller.AccountId, settings.DefaultAccountId, StringComparison.Ordinal))
        {
            throw KmsErrors.AccessDenied(context.Caller.Arn, action, "*", "only the administrator account may manage the key hierarchy");
        }

        await authorizer.AuthorizeAsync(context, action, key: null, cancellationToken).ConfigureAwait(false);
    }

    private DomainKeyVersionInfo Info(WrappedKeyRecord record, uint current) =>
        new(record.Version, record.CreatedAt, record.CreatedAt + hierarchy.ActivationDelay, record.Version == current);
}
