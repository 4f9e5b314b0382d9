using System.Text.Json.Serialization;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson.Admin;

/// <summary>Source-generated JSON metadata for Trent's own admin operations.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    PropertyNameCaseInsensitive = false,
    Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(AdminEmptyRequest))]
[JsonSerializable(typeof(RotateDomainKeyResponse))]
[JsonSerializable(typeof(DescribeKeyHierarchyResponse))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
