namespace Trent.Domain.Keys;

/// <summary>
/// One version of a key's material. Generated material never changes; imported material may be deleted
/// (<see cref="SealedMaterial"/> becomes null) and imported again, which the <see cref="Fingerprint"/> checks.
/// </summary>
public sealed record KeyMaterialRecord
{
    public required string KeyId { get; init; }
    public required uint Version { get; init; }
    public required string KeyMaterialId { get; init; }

    /// <summary>The material sealed under the root key; null when imported material was deleted or expired.</summary>
    public byte[]? SealedMaterial { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required KeyMaterialState State { get; init; }

    /// <summary>Null for generated material.</summary>
    public ImportState? ImportState { get; init; }
    public ExpirationModel? ExpirationModel { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
    public string? Description { get; init; }

    /// <summary>When this material became current through a rotation; null for the key's first material.</summary>
    public DateTimeOffset? RotationDate { get; init; }
    public RotationType? RotationType { get; init; }

    /// <summary>A keyed digest of imported material, to recognise the same material on re-import.</summary>
    public byte[]? Fingerprint { get; init; }
}
