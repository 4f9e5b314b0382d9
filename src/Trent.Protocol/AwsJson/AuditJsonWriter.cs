using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Audit;

namespace Trent.Protocol.AwsJson;

/// <summary>
/// Writes a wire shape as CloudTrail's requestParameters/responseElements: camelCase member names, and no
/// secrets. Every blob (plaintext, ciphertext, key material) is left out by type, and secret strings by name,
/// so a new operation cannot leak one by forgetting a rule. Uses the source-generated metadata, not reflection.
/// </summary>
public static class AuditJsonWriter
{
    private static readonly HashSet<string> SecretMembers = new(StringComparer.Ordinal)
    {
        "GrantTokens", "GrantToken", "KeyStorePassword", "RawSecretAccessKey", "XksProxyAuthenticationCredential", "Recipient",
    };

    public static byte[] Serialize(object value, JsonTypeInfo typeInfo)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteValue(writer, value, typeInfo, AuditBounds.MaxStringBytes);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonTypeInfo typeInfo, int maxString)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        switch (typeInfo.Kind)
        {
            case JsonTypeInfoKind.Object:
                writer.WriteStartObject();
                foreach (var property in typeInfo.Properties)
                {
                    if (property.PropertyType == typeof(byte[]) || SecretMembers.Contains(property.Name) || property.Get is null)
                    {
                        continue;
                    }

                    var member = property.Get(value);
                    if (member is null)
                    {
                        continue;
                    }

                    writer.WritePropertyName(CamelCase(property.Name));
                    var limit = AuditBounds.IsPolicyMember(property.Name) ? AuditBounds.MaxPolicyBytes : AuditBounds.MaxStringBytes;
                    WriteValue(writer, member, typeInfo.Options.GetTypeInfo(property.PropertyType), limit);
                }

                writer.WriteEndObject();
                break;
            case JsonTypeInfoKind.Dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    writer.WritePropertyName(BoundedKey(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!));
                    WriteValue(writer, entry.Value, typeInfo.Options.GetTypeInfo(typeInfo.ElementType!), AuditBounds.MaxStringBytes);
                }

                writer.WriteEndObject();
                break;
            case JsonTypeInfoKind.Enumerable:
                writer.WriteStartArray();
                foreach (var item in (IEnumerable)value)
                {
                    WriteValue(writer, item, typeInfo.Options.GetTypeInfo(typeInfo.ElementType!), maxString);
                }

                writer.WriteEndArray();
                break;
            default:
                if (value is string text)
                {
                    AuditBounds.WriteString(writer, text, maxString);
                    break;
                }

                JsonSerializer.Serialize(writer, value, typeInfo);
                break;
        }
    }

    /// <summary>An oversized dictionary key (an encryption context's, say) is named by its hash: keys must stay unique.</summary>
    internal static string BoundedKey(string key) =>
        AuditBounds.IsOver(key, AuditBounds.MaxShortFieldBytes)
            ? AuditBounds.MarkerProperty + ":" + AuditBounds.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(key))
            : key;

    private static string CamelCase(string name) =>
        name.Length > 0 && char.IsUpper(name[0]) ? string.Create(name.Length, name, static (span, n) =>
        {
            n.AsSpan().CopyTo(span);
            // Leading acronyms are lowered as a whole (AWSAccountId → awsAccountId), as CloudTrail does.
            var i = 0;
            while (i < span.Length && char.IsUpper(span[i]) && (i == 0 || i + 1 >= span.Length || char.IsUpper(span[i + 1])))
            {
                span[i] = char.ToLowerInvariant(span[i]);
                i++;
            }
        }) : name;
}
