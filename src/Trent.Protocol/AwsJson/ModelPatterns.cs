using System.Text.RegularExpressions;

namespace Trent.Protocol.AwsJson;

/// <summary>Regular expressions of the KMS model (digest §3 legend and §6.6).</summary>
public static partial class ModelPatterns
{
    [GeneratedRegex("^[a-zA-Z0-9:/_-]+$")]
    public static partial Regex AliasName();

    /// <summary>RegionType (ReplicaRegion, PrimaryRegion).</summary>
    [GeneratedRegex("^([a-z]+-){2,3}\\d+$")]
    public static partial Regex Region();

    [GeneratedRegex("^[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+$")]
    public static partial Regex Policy();

    [GeneratedRegex("^[\\w]+$")]
    public static partial Regex PolicyName();

    [GeneratedRegex("^[a-zA-Z0-9-_.]+$")]
    public static partial Regex XksKeyId();

    /// <summary>The PrincipalIdType of grants (digest §3 legend).</summary>
    [GeneratedRegex("^[\\w+=,.@:/-]+$")]
    public static partial Regex GrantPrincipal();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    public static partial Regex KeyMaterialId();

    [GeneratedRegex("^[a-zA-Z0-9:/_\\s.-]+$")]
    public static partial Regex KeyMaterialDescription();

    /// <summary>The deprecated CustomerMasterKeySpec enum: KeySpec without ML-DSA and Ed25519.</summary>
    public static readonly IReadOnlyList<string> CustomerMasterKeySpecs =
    [
        "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
        "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
    ];

    public static readonly IReadOnlyList<string> DryRunModifiers = ["IGNORE_CIPHERTEXT"];
}
