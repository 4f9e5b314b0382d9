using System.Security.Cryptography;
using System.Text.Json;

namespace Trent.Protocol.AwsJson.Model;

/// <summary>A request or response that carries secret bytes, wiped once the exchange is over.</summary>
public interface ISensitive
{
    void Wipe();
}

public sealed class EncryptRequest : ISensitive, IHasGrantTokens
{
    public string? KeyId { get; set; }
    public byte[]? Plaintext { get; set; }
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? EncryptionAlgorithm { get; set; }
    public bool? DryRun { get; set; }

    public void Wipe() => CryptographicOperations.ZeroMemory(Plaintext);
}

public sealed class EncryptResponse
{
    public byte[]? CiphertextBlob { get; set; }
    public string? KeyId { get; set; }
    public string? EncryptionAlgorithm { get; set; }
}

public sealed class DecryptRequest : IHasRecipient, IHasGrantTokens
{
    public byte[]? CiphertextBlob { get; set; }
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? KeyId { get; set; }
    public string? EncryptionAlgorithm { get; set; }
    public JsonElement? Recipient { get; set; }
    public bool? DryRun { get; set; }
    public List<string>? DryRunModifiers { get; set; }
}

public sealed class DecryptResponse : ISensitive
{
    public string? KeyId { get; set; }
    public byte[]? Plaintext { get; set; }
    public string? EncryptionAlgorithm { get; set; }
    public string? KeyMaterialId { get; set; }

    public void Wipe() => CryptographicOperations.ZeroMemory(Plaintext);
}

public sealed class ReEncryptRequest : IHasGrantTokens
{
    public byte[]? CiphertextBlob { get; set; }
    public Dictionary<string, string>? SourceEncryptionContext { get; set; }
    public string? SourceKeyId { get; set; }
    public string? DestinationKeyId { get; set; }
    public Dictionary<string, string>? DestinationEncryptionContext { get; set; }
    public string? SourceEncryptionAlgorithm { get; set; }
    public string? DestinationEncryptionAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
    public List<string>? DryRunModifiers { get; set; }
}

public sealed class ReEncryptResponse
{
    public byte[]? CiphertextBlob { get; set; }
    public string? SourceKeyId { get; set; }
    public string? KeyId { get; set; }
    public string? SourceEncryptionAlgorithm { get; set; }
    public string? DestinationEncryptionAlgorithm { get; set; }
    public string? SourceKeyMaterialId { get; set; }
    public string? DestinationKeyMaterialId { get; set; }
}

public sealed class GenerateDataKeyRequest : IHasRecipient, IHasGrantTokens
{
    public string? KeyId { get; set; }
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public int? NumberOfBytes { get; set; }
    public string? KeySpec { get; set; }
    public List<string>? GrantTokens { get; set; }
    public JsonElement? Recipient { get; set; }
    public bool? DryRun { get; set; }
}

public sealed class GenerateDataKeyResponse : ISensitive
{
    public byte[]? CiphertextBlob { get; set; }
    public byte[]? Plaintext { get; set; }
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }

    public void Wipe() => CryptographicOperations.ZeroMemory(Plaintext);
}

public sealed class GenerateRandomRequest : IHasRecipient
{
    public int? NumberOfBytes { get; set; }
    public string? CustomKeyStoreId { get; set; }
    public JsonElement? Recipient { get; set; }
}

public sealed class GenerateRandomResponse : ISensitive
{
    public byte[]? Plaintext { get; set; }

    public void Wipe() => CryptographicOperations.ZeroMemory(Plaintext);
}
