namespace Trent.Domain.Cryptography;

/// <summary>The cryptographic operations' services, handed together to the front ends that expose them.</summary>
public sealed record CryptoServices(
    EncryptionService Encryption,
    DataKeyService DataKeys,
    SigningService Signing,
    PublicKeyService PublicKeys,
    MacService Macs,
    KeyAgreementService KeyAgreement);
