namespace Trent.Protocol.AwsJson.Model;

public sealed class EnableKeyRotationRequest
{
    public string? KeyId { get; set; }
    public int? RotationPeriodInDays { get; set; }
}

public sealed class GetKeyRotationStatusResponse
{
    public bool KeyRotationEnabled { get; set; }
    public string? KeyId { get; set; }
    public int? RotationPeriodInDays { get; set; }
    public DateTimeOffset? NextRotationDate { get; set; }
    public DateTimeOffset? OnDemandRotationStartDate { get; set; }
}

public sealed class ListKeyRotationsRequest
{
    public string? KeyId { get; set; }
    public string? IncludeKeyMaterial { get; set; }
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

public sealed class RotationsListEntry
{
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
    public string? KeyMaterialDescription { get; set; }
    public string? ImportState { get; set; }
    public string? KeyMaterialState { get; set; }
    public string? ExpirationModel { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public DateTimeOffset? RotationDate { get; set; }
    public string? RotationType { get; set; }
}

public sealed class ListKeyRotationsResponse
{
    public List<RotationsListEntry>? Rotations { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

public sealed class GetParametersForImportRequest
{
    public string? KeyId { get; set; }
    public string? WrappingAlgorithm { get; set; }
    public string? WrappingKeySpec { get; set; }
}

public sealed class GetParametersForImportResponse
{
    public string? KeyId { get; set; }
    public byte[]? ImportToken { get; set; }
    public byte[]? PublicKey { get; set; }
    public DateTimeOffset? ParametersValidTo { get; set; }
}

public sealed class ImportKeyMaterialRequest
{
    public string? KeyId { get; set; }
    public byte[]? ImportToken { get; set; }
    public byte[]? EncryptedKeyMaterial { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public string? ExpirationModel { get; set; }
    public string? ImportType { get; set; }
    public string? KeyMaterialDescription { get; set; }
    public string? KeyMaterialId { get; set; }
}

public sealed class KeyMaterialResponse
{
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
}

public sealed class DeleteImportedKeyMaterialRequest
{
    public string? KeyId { get; set; }
    public string? KeyMaterialId { get; set; }
}
