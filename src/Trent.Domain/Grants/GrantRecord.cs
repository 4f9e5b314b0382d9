namespace Trent.Domain.Grants;

/// <summary>A grant on a key: who may do which operations, under which constraints, and who may retire it.</summary>
public sealed record GrantRecord
{
    public required string GrantId { get; init; }
    public required string KeyAccountId { get; init; }
    public required string KeyRegion { get; init; }
    public required string KeyId { get; init; }
    public required string KeyArn { get; init; }
    public string? Name { get; init; }
    public string? GranteePrincipal { get; init; }
    public string? GranteeServicePrincipal { get; init; }
    public string? RetiringPrincipal { get; init; }
    public string? RetiringServicePrincipal { get; init; }
    public required IReadOnlyList<string> Operations { get; init; }
    public GrantConstraints? Constraints { get; init; }
    public required string IssuingAccount { get; init; }
    public required DateTimeOffset CreationDate { get; init; }
}

/// <summary>Encryption-context constraints (and the service-principal SourceArn) of a grant.</summary>
public sealed record GrantConstraints(
    IReadOnlyDictionary<string, string>? EncryptionContextEquals,
    IReadOnlyDictionary<string, string>? EncryptionContextSubset,
    string? SourceArn);
