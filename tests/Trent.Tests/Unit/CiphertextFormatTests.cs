using System.Security.Cryptography;
using Trent.Crypto.Ciphertext;
using Trent.Domain.Keys;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Unit;

/// <summary>docs/ciphertext-format.md, checked by an implementation of the document written here with plain
/// HMAC-SHA256 and AES-GCM (not Trent's code): version 2 blobs open as the document says, version 1 blobs
/// written by the document still decrypt, and the test vector is what Trent writes.</summary>
public sealed class CiphertextFormatTests
{
    private const string VectorKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static readonly byte[] VectorMaterial = Enumerable.Range(0x00, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] VectorNonce = Enumerable.Range(0x20, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] VectorIv = Enumerable.Range(0x40, 12).Select(i => (byte)i).ToArray();
    private static readonly byte[] VectorPlaintext = "Hello, Trent"u8.ToArray();
    private static readonly Dictionary<string, string> VectorContext = new() { ["purpose"] = "test" };

    /// <summary>The test vector of docs/ciphertext-format.md (computed independently with Python's hmac and cryptography).</summary>
    private const string VectorBlob = "02" + "00" + "1234abcd12ab34cd56ef1234567890ab" + "00000001" + "00"
        + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" + "404142434445464748494a4b"
        + VectorCiphertextAndTag;

    private const string VectorCiphertextAndTag = "751620e21cfb05d565b814b0d9acaae929b040dca3af2d209083f959";

    [Fact]
    public void Trent_writes_the_documented_test_vector()
    {
        var blob = SymmetricCiphertext.Encrypt(VectorMaterial, KeyId.ToReference(VectorKeyId), 1, VectorPlaintext, VectorContext, VectorNonce, VectorIv);
        Assert.Equal(VectorBlob, Convert.ToHexStringLower(blob));
    }

    [Fact]
    public void The_documented_vector_opens_by_the_document_and_by_Trent()
    {
        var blob = Convert.FromHexString(VectorBlob);
        Assert.Equal(VectorPlaintext, CiphertextDocument.OpenVersion2(VectorMaterial, blob, VectorContext));
        Assert.True(SymmetricCiphertext.TryDecrypt(VectorMaterial, blob, VectorContext, out var plaintext));
        Assert.Equal(VectorPlaintext, plaintext);
    }

    [Fact]
    public void Every_blob_Trent_writes_opens_by_the_document_with_its_own_derived_key()
    {
        var material = RandomNumberGenerator.GetBytes(32);
        var reference = KeyId.ToReference("mrk-0123456789abcdef0123456789abcdef");
        var plaintext = RandomNumberGenerator.GetBytes(300);
        var first = SymmetricCiphertext.Encrypt(material, reference, 9, plaintext, VectorContext);
        var second = SymmetricCiphertext.Encrypt(material, reference, 9, plaintext, VectorContext);
        Assert.Equal(plaintext.Length + 83, first.Length);
        Assert.Equal(plaintext, CiphertextDocument.OpenVersion2(material, first, VectorContext));
        Assert.Equal(plaintext, CiphertextDocument.OpenVersion2(material, second, VectorContext));
        Assert.NotEqual(first.AsSpan(23, 32).ToArray(), second.AsSpan(23, 32).ToArray());
    }

    [Fact]
    public void Version_1_blobs_written_by_the_document_still_decrypt()
    {
        var material = RandomNumberGenerator.GetBytes(32);
        var reference = KeyId.ToReference(KeyId.NewKeyId());
        var blob = CiphertextDocument.SealVersion1(material, reference, 3, VectorPlaintext, VectorContext);
        Assert.True(SymmetricCiphertext.TryReadHeader(blob, out var header));
        Assert.Equal(reference, header.KeyReference);
        Assert.Equal(3u, header.MaterialVersion);
        Assert.True(SymmetricCiphertext.TryDecrypt(material, blob, VectorContext, out var plaintext));
        Assert.Equal(VectorPlaintext, plaintext);
        Assert.False(SymmetricCiphertext.TryDecrypt(material, blob, null, out _));
    }

    [Fact]
    public void An_unknown_backend_or_format_is_not_a_ciphertext()
    {
        var blob = SymmetricCiphertext.Encrypt(VectorMaterial, KeyId.ToReference(VectorKeyId), 1, VectorPlaintext, null);
        var otherBackend = (byte[])blob.Clone();
        otherBackend[22] = SymmetricCiphertext.Pkcs11Backend;
        Assert.True(SymmetricCiphertext.TryReadHeader(otherBackend, out var header)); // the header names its backend...
        Assert.Equal(SymmetricCiphertext.Pkcs11Backend, header.Backend);
        Assert.False(SymmetricCiphertext.TryDecrypt(VectorMaterial, otherBackend, null, out _)); // ...whose blobs software material never opens
        var otherFormat = (byte[])blob.Clone();
        otherFormat[0] = 0x03;
        Assert.False(SymmetricCiphertext.TryReadHeader(otherFormat, out _));
        Assert.False(SymmetricCiphertext.TryDecrypt(VectorMaterial, otherFormat, null, out _));
    }
}
