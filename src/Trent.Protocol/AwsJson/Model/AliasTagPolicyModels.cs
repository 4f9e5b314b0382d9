namespace Trent.Protocol.AwsJson.Model;

public sealed class AliasRequest
{
    public string? AliasName { get; set; }
    public string? TargetKeyId { get; set; }
}

public sealed class AliasListEntry
{
    public string? AliasName { get; set; }
    public string? AliasArn { get; set; }
    public string? TargetKeyId { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public DateTimeOffset? LastUpdatedDate { get; set; }
}

public sealed class ListAliasesResponse
{
    public List<AliasListEntry>? Aliases { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

public sealed class TagResourceRequest
{
    public string? KeyId { get; set; }
    public List<TagEntry>? Tags { get; set; }
}

public sealed class UntagResourceRequest
{
    public string? KeyId { get; set; }
    public List<string>? TagKeys { get; set; }
}

public sealed class ListResourceTagsResponse
{
    public List<TagEntry>? Tags { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

public sealed class GetKeyPolicyRequest
{
    public string? KeyId { get; set; }
    public string? PolicyName { get; set; }
}

public sealed class GetKeyPolicyResponse
{
    public string? Policy { get; set; }
    public string? PolicyName { get; set; }
}

public sealed class PutKeyPolicyRequest
{
    public string? KeyId { get; set; }
    public string? PolicyName { get; set; }
    public string? Policy { get; set; }
    public bool? BypassPolicyLockoutSafetyCheck { get; set; }
}

public sealed class ListKeyPoliciesResponse
{
    public List<string>? PolicyNames { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}
