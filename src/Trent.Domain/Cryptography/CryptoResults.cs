using Trent.Domain.Keys;

namespace Trent.Domain.Cryptography;

public sealed record EncryptResult(KeyRecord Key, byte[] CiphertextBlob, string KeyMaterialId);

/// <summary>The caller must wipe <see cref="Plaintext"/> once it has been sent.</summary>
public sealed record DecryptResult(KeyRecord Key, byte[] Plaintext, string KeyMaterialId);

public sealed record ReEncryptResult(
    KeyRecord SourceKey, string SourceKeyMaterialId, KeyRecord DestinationKey, byte[] CiphertextBlob, string DestinationKeyMaterialId);

/// <summary>The caller must wipe <see cref="Plaintext"/> (null without plaintext) once it has been sent.</summary>
public sealed record DataKeyResult(KeyRecord Key, byte[] CiphertextBlob, byte[]? Plaintext, string KeyMaterialId);
