using System.Security.Cryptography;
using System.Text.Json;

namespace Trent.Protocol.AwsJson.Model;

// Wire shapes of the asymmetric, HMAC and key agreement operations, and of data key pairs.

public sealed class SignRequest : IHasGrantTokens
{
    public string? KeyId { get; set; }
    public byte[]? Message { get; set; }
    public string? MessageType { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? SigningAlgorithm { get; set; }
    public bool? DryRun { get; set; }
}

public sealed class SignResponse
{
    public string? KeyId { get; set; }
    public byte[]? Signature { get; set; }
    public string? SigningAlgorithm { get; set; }
}

public sealed class VerifyRequest : IHasGrantTokens
{
    public string? KeyId { get; set; }
    public byte[]? Message { get; set; }
    public string? MessageType { get; set; }
    public byte[]? Signature { get; set; }
    public string? SigningAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

public sealed class VerifyResponse
{
    public string? KeyId { get; set; }
    public bool SignatureValid { get; set; }
    public string? SigningAlgorithm { get; set; }
}

public sealed class GetPublicKeyResponse
{
    public string? KeyId { get; set; }
    public byte[]? PublicKey { get; set; }
    public string? CustomerMasterKeySpec { get; set; }
    public string? KeySpec { get; set; }
    public string? KeyUsage { get; set; }
    public List<string>? EncryptionAlgorithms { get; set; }
    public List<string>? SigningAlgorithms { get; set; }
    public List<string>? KeyAgreementAlgorithms { get; set; }
}

public sealed class GenerateMacRequest : IHasGrantTokens
{
    public byte[]? Message { get; set; }
    public string? KeyId { get; set; }
    public string? MacAlgorithm { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

public sealed class GenerateMacResponse
{
    public byte[]? Mac { get; set; }
    public string? MacAlgorithm { get; set; }
    public string? KeyId { get; set; }
}

public sealed class VerifyMacRequest : IHasGrantTokens
{
    public byte[]? Message { get; set; }
    public string? KeyId { get; set; }
    public string? MacAlgorithm { get; set; }
    public byte[]? Mac { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
}

public sealed class VerifyMacResponse
{
    public string? KeyId { get; set; }
    public bool MacValid { get; set; }
    public string? MacAlgorithm { get; set; }
}

public sealed class DeriveSharedSecretRequest : IHasRecipient, IHasGrantTokens
{
    public string? KeyId { get; set; }
    public string? KeyAgreementAlgorithm { get; set; }
    public byte[]? PublicKey { get; set; }
    public List<string>? GrantTokens { get; set; }
    public bool? DryRun { get; set; }
    public JsonElement? Recipient { get; set; }
}

public sealed class DeriveSharedSecretResponse : ISensitive
{
    public string? KeyId { get; set; }
    public byte[]? SharedSecret { get; set; }
    public string? KeyAgreementAlgorithm { get; set; }
    public string? KeyOrigin { get; set; }

    public void Wipe() => CryptographicOperations.ZeroMemory(SharedSecret);
}

public sealed class GenerateDataKeyPairRequest : IHasRecipient, IHasGrantTokens
{
    public Dictionary<string, string>? EncryptionContext { get; set; }
    public string? KeyId { get; set; }
    public string? KeyPairSpec { get; set; }
    public List<string>? GrantTokens { get; set; }
    public JsonElement? Recipient { get; set; }
    public bool? DryRun { get; set; }
}

public sealed class GenerateDataKeyPairResponse : ISensitive
{
    public byte[]? PrivateKeyCiphertextBlob { get; set; }
    public byte[]? PrivateKeyPlaintext { get; set; }
    public byte[]? PublicKey { get; set; }
    public string? KeyId { get; set; }
    public string? KeyPairSpec { get; set; }
    public string? KeyMaterialId { get; set; }

    public void Wipe() => CryptographicOperations.ZeroMemory(PrivateKeyPlaintext);
}
