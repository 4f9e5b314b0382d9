namespace Trent.Domain.Keys;

/// <summary>Which identifier forms an operation accepts for its KeyId (reference digest §6.1).</summary>
public enum KeyIdForms
{
    /// <summary>Key ID or key ARN: management operations.</summary>
    KeyOnly,

    /// <summary>Key ID, key ARN, alias name or alias ARN: cryptographic operations and DescribeKey.</summary>
    KeyOrAlias,
}
