namespace Trent.Protocol.Quotas;

/// <summary>
/// Per-account request-rate quotas (requests per second) by operation class, as AWS KMS defines them
/// (reference digest §8.1). Off by default, as an embedded KMS for one developer has no one to protect.
/// </summary>
public sealed class QuotaOptions
{
    public bool Enabled { get; set; }

    /// <summary>Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateMac, VerifyMac: one shared bucket.</summary>
    public double SymmetricCryptoPerSecond { get; set; } = 10_000;

    /// <summary>Sign, Verify, DeriveSharedSecret, GetPublicKey (RSA, ECC, ML-DSA): one shared bucket.</summary>
    public double AsymmetricCryptoPerSecond { get; set; } = 1_000;

    public double GenerateDataKeyPairPerSecond { get; set; } = 100;

    public double GenerateRandomPerSecond { get; set; } = 10_000;

    /// <summary>Overrides of AWS's per-operation quotas for management operations, by operation name.</summary>
    public Dictionary<string, double> ManagementPerSecond { get; set; } = [];
}
