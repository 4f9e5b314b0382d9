namespace Trent.Protocol.AwsJson.Model;

/// <summary>CreateCustomKeyStore; the XKS members are read only to refuse them. KeyStorePassword is left out of the audit record by name (AuditJsonWriter).</summary>
public sealed class CreateCustomKeyStoreRequest
{
    public string? CustomKeyStoreName { get; set; }
    public string? CloudHsmClusterId { get; set; }
    public string? TrustAnchorCertificate { get; set; }
    public string? KeyStorePassword { get; set; }
    public string? CustomKeyStoreType { get; set; }
    public string? XksProxyUriEndpoint { get; set; }
}

public sealed class CreateCustomKeyStoreResponse
{
    public string? CustomKeyStoreId { get; set; }
}

public sealed class CustomKeyStoreIdRequest
{
    public string? CustomKeyStoreId { get; set; }
}

public sealed class UpdateCustomKeyStoreRequest
{
    public string? CustomKeyStoreId { get; set; }
    public string? NewCustomKeyStoreName { get; set; }
    public string? KeyStorePassword { get; set; }
    public string? CloudHsmClusterId { get; set; }
    public string? XksProxyUriEndpoint { get; set; }
}

public sealed class DescribeCustomKeyStoresRequest
{
    public string? CustomKeyStoreId { get; set; }
    public string? CustomKeyStoreName { get; set; }
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

public sealed class DescribeCustomKeyStoresResponse
{
    public List<CustomKeyStoresListEntry>? CustomKeyStores { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

public sealed class CustomKeyStoresListEntry
{
    public string? CustomKeyStoreId { get; set; }
    public string? CustomKeyStoreName { get; set; }
    public string? CloudHsmClusterId { get; set; }
    public string? TrustAnchorCertificate { get; set; }
    public string? ConnectionState { get; set; }
    public string? ConnectionErrorCode { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public string? CustomKeyStoreType { get; set; }
}
