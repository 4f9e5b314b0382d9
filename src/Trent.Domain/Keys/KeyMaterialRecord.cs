namespace Trent.Domain.Keys;

/// <summary>One version of a key's material, sealed under the root key. Versions never change once written.</summary>
public sealed record KeyMaterialRecord(
    string KeyId,
    uint Version,
    string KeyMaterialId,
    byte[] SealedMaterial,
    DateTimeOffset CreatedAt);
