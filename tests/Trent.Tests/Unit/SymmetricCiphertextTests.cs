using System.Security.Cryptography;
using Trent.Crypto.Ciphertext;
using Trent.Domain.Keys;

namespace Trent.Tests.Unit;

public sealed class SymmetricCiphertextTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Reference = KeyId.ToReference(KeyId.NewKeyId());

    [Fact]
    public void Round_trips_and_reads_its_header()
    {
        var plaintext = RandomNumberGenerator.GetBytes(100);
        var context = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };
        var blob = SymmetricCiphertext.Encrypt(Key, Reference, 7, plaintext, context);
        Assert.Equal(plaintext.Length + SymmetricCiphertext.Overhead, blob.Length);
        Assert.True(SymmetricCiphertext.TryReadHeader(blob, out var header));
        Assert.Equal(Reference, header.KeyReference);
        Assert.Equal(7u, header.MaterialVersion);
        Assert.True(SymmetricCiphertext.TryDecrypt(Key, blob, new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, out var decrypted));
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void Every_single_bit_flip_anywhere_is_detected()
    {
        var blob = SymmetricCiphertext.Encrypt(Key, Reference, 1, [1, 2, 3, 4, 5], null);
        for (var i = 0; i < blob.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])blob.Clone();
                tampered[i] ^= (byte)(1 << bit);
                Assert.False(SymmetricCiphertext.TryDecrypt(Key, tampered, null, out _), $"flip of bit {bit} in byte {i} went unnoticed");
            }
        }
    }

    [Fact]
    public void A_different_key_or_context_fails()
    {
        var blob = SymmetricCiphertext.Encrypt(Key, Reference, 1, [1], new Dictionary<string, string> { ["k"] = "v" });
        Assert.False(SymmetricCiphertext.TryDecrypt(RandomNumberGenerator.GetBytes(32), blob, new Dictionary<string, string> { ["k"] = "v" }, out _));
        Assert.False(SymmetricCiphertext.TryDecrypt(Key, blob, null, out _));
        Assert.False(SymmetricCiphertext.TryDecrypt(Key, blob, new Dictionary<string, string> { ["k"] = "V" }, out _));
        Assert.False(SymmetricCiphertext.TryDecrypt(Key, blob[..^1], new Dictionary<string, string> { ["k"] = "v" }, out _));
    }

    [Fact]
    public void The_context_encoding_is_unambiguous()
    {
        static byte[] Encode(Dictionary<string, string>? context)
        {
            var buffer = new byte[EncryptionContextEncoding.GetByteCount(context)];
            Assert.Equal(buffer.Length, EncryptionContextEncoding.Write(context, buffer));
            return buffer;
        }

        Assert.NotEqual(Encode(new() { ["a"] = "bc" }), Encode(new() { ["ab"] = "c" }));
        Assert.NotEqual(Encode(new() { ["a"] = "" }), Encode(null));
        Assert.NotEqual(Encode(new() { ["a"] = "1", ["b"] = "2" }), Encode(new() { ["a"] = "2", ["b"] = "1" }));
        Assert.Equal(Encode(new() { ["x"] = "1", ["é"] = "2" }), Encode(new() { ["é"] = "2", ["x"] = "1" }));
        Assert.Equal(Encode(null), Encode([]));
    }

    [Fact]
    public void Key_references_round_trip_for_both_key_id_forms()
    {
        foreach (var id in new[] { KeyId.NewKeyId(), "mrk-0123456789abcdef0123456789abcdef" })
        {
            Assert.True(KeyId.TryFromReference(KeyId.ToReference(id), out var back));
            Assert.Equal(id, back);
        }

        Assert.False(KeyId.TryFromReference(new byte[17] { 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, out _));
    }
}
