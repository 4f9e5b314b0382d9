namespace Trent.Protocol.AwsJson.Model;

/// <summary>The body of an admin request that takes no parameters (<c>{}</c>).</summary>
public sealed class AdminEmptyRequest
{
}

public sealed class DomainKeyVersionEntry
{
    public long Version { get; set; }
    public DateTimeOffset CreationDate { get; set; }
    public DateTimeOffset ActivationDate { get; set; }
    public bool Current { get; set; }
}

public sealed class RotateDomainKeyResponse
{
    public DomainKeyVersionEntry? DomainKey { get; set; }
}

public sealed class ResealPassEntry
{
    public long DomainKeyVersion { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public int KeyMaterials { get; set; }
    public int AccessKeys { get; set; }
    public int CustomKeyStorePasswords { get; set; }
    public int Unreadable { get; set; }
}

public sealed class DescribeKeyHierarchyResponse
{
    public string? RootOfTrust { get; set; }
    public long CurrentDomainKeyVersion { get; set; }
    public List<DomainKeyVersionEntry>? DomainKeys { get; set; }
    public bool ResealPending { get; set; }
    public ResealPassEntry? LastResealPass { get; set; }
}
