namespace Trent.Domain.Keys;

/// <summary>What a caller asks for when creating a key; null members take AWS's defaults.</summary>
public sealed record CreateKeyInput
{
    public string? Description { get; init; }
    public KeySpec? KeySpec { get; init; }
    public KeyUsage? KeyUsage { get; init; }
    public KeyOrigin? Origin { get; init; }
    public string? Policy { get; init; }
    public bool BypassPolicyLockoutSafetyCheck { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
    public bool MultiRegion { get; init; }
    public string? CustomKeyStoreId { get; init; }
    public string? XksKeyId { get; init; }
}
