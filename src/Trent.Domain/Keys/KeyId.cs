using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Trent.Domain.Keys;

/// <summary>
/// Key IDs are lowercase hyphenated UUIDs, or <c>mrk-</c> and 32 hex digits for multi-Region keys.
/// In a ciphertext a key ID travels as a 17-byte reference: a kind byte and the 16 ID bytes.
/// </summary>
public static class KeyId
{
    private const byte UuidKind = 0;
    private const byte MultiRegionKind = 1;
    private const string MultiRegionPrefix = "mrk-";

    public static string NewKeyId() => Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);

    /// <summary>A multi-Region key ID: <c>mrk-</c> and 32 lower-case hex digits.</summary>
    public static string NewMultiRegionKeyId() => MultiRegionPrefix + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

    public static bool IsValid(string value) => TryNormalize(value, out _);

    /// <summary>Accepts a key ID in either case and returns it in the canonical lowercase form.</summary>
    public static bool TryNormalize(string value, [NotNullWhen(true)] out string? keyId)
    {
        keyId = null;
        if (value.Length == 36 && IsUuidShape(value))
        {
            keyId = value.ToLowerInvariant();
            return true;
        }

        if (value.Length == 36 && value.StartsWith(MultiRegionPrefix, StringComparison.Ordinal) && IsHex(value.AsSpan(4)))
        {
            keyId = value.ToLowerInvariant();
            return true;
        }

        return false;
    }

    public static byte[] ToReference(string keyId)
    {
        var reference = new byte[17];
        if (keyId.StartsWith(MultiRegionPrefix, StringComparison.Ordinal))
        {
            reference[0] = MultiRegionKind;
            Convert.FromHexString(keyId.AsSpan(4), reference.AsSpan(1), out _, out _);
        }
        else
        {
            reference[0] = UuidKind;
            Guid.ParseExact(keyId, "D").TryWriteBytes(reference.AsSpan(1), bigEndian: true, out _);
        }

        return reference;
    }

    public static bool TryFromReference(ReadOnlySpan<byte> reference, [NotNullWhen(true)] out string? keyId)
    {
        keyId = null;
        if (reference.Length != 17)
        {
            return false;
        }

        keyId = reference[0] switch
        {
            UuidKind => new Guid(reference[1..], bigEndian: true).ToString("D", CultureInfo.InvariantCulture),
            MultiRegionKind => MultiRegionPrefix + Convert.ToHexStringLower(reference[1..]),
            _ => null,
        };
        return keyId is not null;
    }

    private static bool IsUuidShape(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var hyphen = i is 8 or 13 or 18 or 23;
            if (hyphen ? c != '-' : !char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
