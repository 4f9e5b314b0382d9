using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Trent.Crypto.Ciphertext;

/// <summary>
/// The canonical byte form of an encryption context, bound as AES-GCM associated data. Pairs are sorted by
/// key (ordinal), and every string is length-prefixed, so that no two different contexts share an encoding
/// and the order in which a client sent the pairs does not matter.
/// Layout: count (u32 BE) then, per pair, key length (u32 BE) | key UTF-8 | value length (u32 BE) | value UTF-8.
/// </summary>
public static class EncryptionContextEncoding
{
    public static int GetByteCount(IReadOnlyDictionary<string, string>? context)
    {
        var total = 4;
        if (context is null)
        {
            return total;
        }

        foreach (var (key, value) in context)
        {
            total += 8 + Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }

        return total;
    }

    public static int Write(IReadOnlyDictionary<string, string>? context, Span<byte> destination)
    {
        var count = context?.Count ?? 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)count);
        var offset = 4;
        if (count == 0)
        {
            return offset;
        }

        var keys = ArrayPool<string>.Shared.Rent(count);
        try
        {
            var i = 0;
            foreach (var key in context!.Keys)
            {
                keys[i++] = key;
            }

            Array.Sort(keys, 0, count, StringComparer.Ordinal);
            for (i = 0; i < count; i++)
            {
                offset += WriteString(keys[i], destination[offset..]);
                offset += WriteString(context[keys[i]], destination[offset..]);
            }
        }
        finally
        {
            ArrayPool<string>.Shared.Return(keys, clearArray: true);
        }

        return offset;
    }

    private static int WriteString(string value, Span<byte> destination)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)written);
        return 4 + written;
    }
}
