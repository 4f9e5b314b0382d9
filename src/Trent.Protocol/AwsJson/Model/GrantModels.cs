namespace Trent.Protocol.AwsJson.Model;

public sealed class GrantConstraintsModel
{
    public Dictionary<string, string>? EncryptionContextSubset { get; set; }
    public Dictionary<string, string>? EncryptionContextEquals { get; set; }
    public string? SourceArn { get; set; }
}

public sealed class CreateGrantRequest : IHasGrantTokens
{
    public string? KeyId { get; set; }
    public string? GranteePrincipal { get; set; }
    public string? RetiringPrincipal { get; set; }
    public List<string>? Operations { get; set; }
    public GrantConstraintsModel? Constraints { get; set; }
    public List<string>? GrantTokens { get; set; }
    public string? Name { get; set; }
    public bool? DryRun { get; set; }
    public string? GranteeServicePrincipal { get; set; }
    public string? RetiringServicePrincipal { get; set; }
}

public sealed class CreateGrantResponse
{
    public string? GrantToken { get; set; }
    public string? GrantId { get; set; }
}

public sealed class ListGrantsRequest
{
    public int? Limit { get; set; }
    public string? Marker { get; set; }
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public string? GranteePrincipal { get; set; }
    public string? GranteeServicePrincipal { get; set; }
}

public sealed class ListRetirableGrantsRequest
{
    public int? Limit { get; set; }
    public string? Marker { get; set; }
    public string? RetiringPrincipal { get; set; }
    public string? RetiringServicePrincipal { get; set; }
}

public sealed class GrantListEntry
{
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public string? GranteePrincipal { get; set; }
    public string? GranteeServicePrincipal { get; set; }
    public string? RetiringPrincipal { get; set; }
    public string? RetiringServicePrincipal { get; set; }
    public string? IssuingAccount { get; set; }
    public List<string>? Operations { get; set; }
    public GrantConstraintsModel? Constraints { get; set; }
}

public sealed class ListGrantsResponse
{
    public List<GrantListEntry>? Grants { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

public sealed class RetireGrantRequest
{
    public string? GrantToken { get; set; }
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public bool? DryRun { get; set; }
}

public sealed class RevokeGrantRequest
{
    public string? KeyId { get; set; }
    public string? GrantId { get; set; }
    public bool? DryRun { get; set; }
}

/// <summary>A request with GrantTokens: the operation base puts them on the request context for the authorizer.</summary>
public interface IHasGrantTokens
{
    List<string>? GrantTokens { get; }
}
