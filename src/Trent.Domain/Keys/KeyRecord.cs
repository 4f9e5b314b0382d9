namespace Trent.Domain.Keys;

/// <summary>
/// A KMS key as stored: its metadata, policy, tags, rotation schedule and which material version is
/// current. Key material itself lives in <see cref="KeyMaterialRecord"/>s, sealed. <see cref="RowVersion"/>
/// makes every update optimistic, so that several server nodes can share one database.
/// </summary>
public sealed record KeyRecord
{
    public required string KeyId { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required string Partition { get; init; }
    public required DateTimeOffset CreationDate { get; init; }
    public required string Description { get; init; }
    public required KeySpec KeySpec { get; init; }
    public required KeyUsage KeyUsage { get; init; }
    public required KeyOrigin Origin { get; init; }
    public required KeyState State { get; init; }
    public DateTimeOffset? DeletionDate { get; init; }
    public int? PendingWindowInDays { get; init; }
    public required string Policy { get; init; }
    public required IReadOnlyList<Tag> Tags { get; init; }

    /// <summary>The version Encrypt uses; 0 while an imported key has never had material.</summary>
    public uint CurrentMaterialVersion { get; init; }
    public string? CurrentKeyMaterialId { get; init; }

    /// <summary>Changes whenever any material of the key changes (rotation, import, deletion, expiry), so
    /// that caches keyed on it never serve material that another node has since removed.</summary>
    public long MaterialsRevision { get; init; }

    public bool RotationEnabled { get; init; }
    public int? RotationPeriodInDays { get; init; }
    public DateTimeOffset? NextRotationDate { get; init; }
    public int OnDemandRotationCount { get; init; }

    /// <summary>For imported keys: the expiration model of the current material, once imported.</summary>
    public ExpirationModel? ExpirationModel { get; init; }

    /// <summary>For imported keys: the earliest expiry among the material still present.</summary>
    public DateTimeOffset? ValidTo { get; init; }

    public long RowVersion { get; init; }

    /// <summary>For a multi-Region key: the Region of the primary key of its set (this key's own Region when it
    /// is the primary); null for a single-Region key. The keys of a set share their key ID, key spec, usage,
    /// origin, material and rotation; each has its own state, policy, aliases, tags, description and grants.</summary>
    public string? PrimaryRegion { get; init; }

    /// <summary>The state a key in a transient state (Creating, Updating) settles into.</summary>
    public KeyState? SettledState { get; init; }

    /// <summary>For an AWS_CLOUDHSM key: the custom key store whose token holds it (labelled with <see cref="Arn"/>).</summary>
    public string? CustomKeyStoreId { get; init; }

    public bool MultiRegion => PrimaryRegion is not null;

    public bool IsReplica => PrimaryRegion is not null && PrimaryRegion != Region;

    /// <summary>CloudTrail's and the API's MultiRegionKeyType: PRIMARY or REPLICA; null for a single-Region key.</summary>
    public string? MultiRegionKeyType => PrimaryRegion is null ? null : IsReplica ? "REPLICA" : "PRIMARY";

    public string Arn => KeyArn.Format(Partition, Region, AccountId, KeyId);

    public bool Enabled => State == KeyState.Enabled;
}
