using System.Text.Json.Serialization;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson;

/// <summary>Source-generated JSON metadata for the shapes of the audit operations (LookupEvents, GetKeyLastUsage).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    PropertyNameCaseInsensitive = false,
    Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(LookupEventsRequest))]
[JsonSerializable(typeof(LookupEventsResponse))]
[JsonSerializable(typeof(KeyIdRequest))]
[JsonSerializable(typeof(GetKeyLastUsageResponse))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
