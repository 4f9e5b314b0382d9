namespace Trent.Domain.Keys;

/// <summary>Facts derived from a key's set of material versions.</summary>
public static class KeyMaterials
{
    /// <summary>The earliest expiry among imported material still present (KeyMetadata.ValidTo).</summary>
    public static DateTimeOffset? EarliestValidTo(IEnumerable<KeyMaterialRecord> materials) =>
        materials.Where(m => m.SealedMaterial is not null && m.ValidTo is not null).Select(m => m.ValidTo).Min();

    public static uint NextVersion(IReadOnlyList<KeyMaterialRecord> materials) =>
        materials.Count == 0 ? 1 : materials.Max(m => m.Version) + 1;

    /// <summary><paramref name="materials"/> with <paramref name="changed"/> in place of the versions they replace.</summary>
    public static IReadOnlyList<KeyMaterialRecord> With(IReadOnlyList<KeyMaterialRecord> materials, params KeyMaterialRecord[] changed) =>
        [.. materials.Where(m => changed.All(c => c.Version != m.Version)), .. changed];
}
