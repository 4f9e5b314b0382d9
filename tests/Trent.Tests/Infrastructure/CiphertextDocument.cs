using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Trent.Tests.Infrastructure;

/// <summary>docs/ciphertext-format.md implemented from the document with plain HMAC-SHA256 and AES-GCM, not with
/// Trent's code, so that tests check Trent's blobs against the specification rather than against themselves.</summary>
public static class CiphertextDocument
{
    /// <summary>SP 800-108 counter mode, one block: HMAC-SHA256(K, [1]32 || label || 0x00 || context || [256]32).</summary>
    private static byte[] Derive(byte[] material, ReadOnlySpan<byte> context)
    {
        var label = Encoding.ASCII.GetBytes("trent symmetric ciphertext v2");
        var input = new byte[4 + label.Length + 1 + context.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(input, 1);
        label.CopyTo(input, 4);
        context.CopyTo(input.AsSpan(4 + label.Length + 1));
        BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(input.Length - 4), 256);
        return HMACSHA256.HashData(material, input);
    }

    public static byte[] OpenVersion2(byte[] material, byte[] blob, IReadOnlyDictionary<string, string>? context)
    {
        if (blob[0] != 0x02 || blob[22] != 0x00)
        {
            throw new CryptographicException("not a version 2 software blob");
        }

        var key = Derive(material, blob.AsSpan(0, 55));
        var header = blob.AsSpan(0, 67);
        var plaintext = new byte[blob.Length - 67 - 16];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(blob.AsSpan(55, 12), blob.AsSpan(67, plaintext.Length), blob.AsSpan(blob.Length - 16), plaintext, [.. header, .. Context(context)]);
        return plaintext;
    }

    public static byte[] SealVersion1(byte[] material, byte[] reference, uint version, byte[] plaintext, IReadOnlyDictionary<string, string>? context)
    {
        var blob = new byte[34 + plaintext.Length + 16];
        blob[0] = 0x01;
        reference.CopyTo(blob, 1);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(18), version);
        RandomNumberGenerator.Fill(blob.AsSpan(22, 12));
        using var aes = new AesGcm(material, 16);
        aes.Encrypt(blob.AsSpan(22, 12), plaintext, blob.AsSpan(34, plaintext.Length), blob.AsSpan(34 + plaintext.Length), [.. blob.AsSpan(0, 34), .. Context(context)]);
        return blob;
    }

    /// <summary>The document's encryption-context encoding: count, then each pair sorted by key, length-prefixed UTF-8.</summary>
    public static byte[] Context(IReadOnlyDictionary<string, string>? context)
    {
        var output = new List<byte>();
        void U32(int value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
            output.AddRange(bytes);
        }

        var pairs = (context ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        U32(pairs.Count);
        foreach (var (key, value) in pairs)
        {
            U32(Encoding.UTF8.GetByteCount(key));
            output.AddRange(Encoding.UTF8.GetBytes(key));
            U32(Encoding.UTF8.GetByteCount(value));
            output.AddRange(Encoding.UTF8.GetBytes(value));
        }

        return [.. output];
    }
}
