using Trent.Domain.Keys;

namespace Trent.Domain.Cryptography;

/// <summary><see cref="KeyMaterialId"/> is null for asymmetric keys, as on AWS.</summary>
public sealed record EncryptResult(KeyRecord Key, byte[] CiphertextBlob, EncryptionAlgorithm Algorithm, string? KeyMaterialId);

/// <summary>The caller must wipe <see cref="Plaintext"/> once it has been sent.</summary>
public sealed record DecryptResult(KeyRecord Key, byte[] Plaintext, EncryptionAlgorithm Algorithm, string? KeyMaterialId);

public sealed record ReEncryptResult(DecryptResult Source, EncryptResult Destination);

/// <summary>The caller must wipe <see cref="Plaintext"/> (null without plaintext) once it has been sent.</summary>
public sealed record DataKeyResult(KeyRecord Key, byte[] CiphertextBlob, byte[]? Plaintext, string KeyMaterialId);

/// <summary>The caller must wipe <see cref="PrivateKeyPlaintext"/> (null without plaintext) once it has been sent.</summary>
public sealed record DataKeyPairResult(
    KeyRecord Key, DataKeyPairSpec Spec, byte[] PublicKey, byte[] PrivateKeyCiphertextBlob, byte[]? PrivateKeyPlaintext, string KeyMaterialId);

public sealed record SignResult(KeyRecord Key, byte[] Signature, SigningAlgorithm Algorithm);

public sealed record MacResult(KeyRecord Key, byte[] Mac, MacAlgorithm Algorithm);

public sealed record PublicKeyResult(KeyRecord Key, byte[] PublicKey);

/// <summary>The caller must wipe <see cref="SharedSecret"/> once it has been sent.</summary>
public sealed record SharedSecretResult(KeyRecord Key, byte[] SharedSecret);
