using System.Runtime.CompilerServices;

namespace Trent.Domain.Keys;

/// <summary>
/// A key row's current material, still sealed, as a store read it in the same statement as the row (PostgreSQL
/// does): a key that is not cached then costs one round trip, not one for the row and one for its material. It is
/// attached to the record instance, outside the record's value equality, and lives as long as that instance
/// (in the key cache, at most its time to live). Read in the same snapshot as the row, it is exactly the material
/// the row's <see cref="KeyRecord.MaterialsRevision"/> names, as a second read could only say the same or later.
/// </summary>
public static class PrefetchedMaterial
{
    private static readonly ConditionalWeakTable<KeyRecord, KeyMaterialRecord> Attached = [];

    public static void Attach(KeyRecord key, KeyMaterialRecord material) => Attached.AddOrUpdate(key, material);

    /// <summary>The material of <paramref name="version"/> if it was read with <paramref name="key"/>; else null.</summary>
    public static KeyMaterialRecord? Find(KeyRecord key, uint version) =>
        Attached.TryGetValue(key, out var material) && material.Version == version ? material : null;
}
