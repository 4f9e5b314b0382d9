using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Trent.Domain.Audit;

/// <summary>
/// Size limits that keep every audit record small whatever a client sends (CloudTrail, too, truncates or omits
/// oversized fields and says so). An oversized value is replaced by a marker naming its length in UTF-8 bytes and
/// its SHA-256, so an investigator can still match it against a known value. Checks are length comparisons on the
/// normal path: nothing is allocated unless a value is over its limit.
/// </summary>
public static class AuditBounds
{
    /// <summary>A string in requestParameters/responseElements.</summary>
    public const int MaxStringBytes = 2048;

    /// <summary>A policy document: KMS accepts key policies up to 32 KB, and CloudTrail records them.</summary>
    public const int MaxPolicyBytes = 32 * 1024;

    /// <summary>requestParameters of a request that failed: a rejected request costs at most a few KB.</summary>
    public const int MaxFailedParametersBytes = 4096;

    /// <summary>requestParameters or responseElements of a request that succeeded.</summary>
    public const int MaxParametersBytes = 48 * 1024;

    /// <summary>Header-derived and message fields: userAgent, errorMessage, sourceIPAddress, and the like.</summary>
    public const int MaxUserAgentBytes = 1024;
    public const int MaxErrorMessageBytes = 1024;
    public const int MaxAccessKeyIdBytes = 128;
    public const int MaxShortFieldBytes = 256;

    public const string MarkerProperty = "trentTruncated";

    /// <summary>Members that hold policy documents and may keep up to <see cref="MaxPolicyBytes"/>.</summary>
    public static bool IsPolicyMember(string name) =>
        name is "Policy" or "policy" or "PolicyDocument" or "policyDocument" or "AssumeRolePolicyDocument" or "assumeRolePolicyDocument";

    /// <summary>True when the UTF-8 form of <paramref name="value"/> is over <paramref name="maxBytes"/>.</summary>
    public static bool IsOver(string value, int maxBytes) =>
        value.Length > maxBytes / 3 && (value.Length > maxBytes || Encoding.UTF8.GetByteCount(value) > maxBytes);

    /// <summary>Writes <paramref name="value"/>, or its marker when it is over <paramref name="maxBytes"/>.</summary>
    public static void WriteString(Utf8JsonWriter writer, string value, int maxBytes)
    {
        if (!IsOver(value, maxBytes))
        {
            writer.WriteStringValue(value);
            return;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, bytes);
            WriteMarker(writer, bytes.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The marker that stands for an oversized value: {"trentTruncated":true,"length":N,"sha256":"…"}.</summary>
    public static void WriteMarker(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8)
    {
        writer.WriteStartObject();
        writer.WriteBoolean(MarkerProperty, true);
        writer.WriteNumber("length", utf8.Length);
        writer.WriteString("sha256", Sha256Hex(utf8));
        writer.WriteEndObject();
    }

    public static string Sha256Hex(ReadOnlySpan<byte> utf8)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The longest prefix of <paramref name="value"/> whose UTF-8 form fits in <paramref name="maxBytes"/>,
    /// cut on a character boundary (never inside a surrogate pair).</summary>
    public static string Prefix(string value, int maxBytes)
    {
        var bytes = 0;
        var i = 0;
        while (i < value.Length)
        {
            var step = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            var size = step == 2 ? 4 : value[i] < 0x80 ? 1 : value[i] < 0x800 ? 2 : 3;
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            i += step;
        }

        return value[..i];
    }
}
