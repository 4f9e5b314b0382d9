using System.Diagnostics;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Trent.Tests.Infrastructure;

/// <summary>Wraps key material the way a customer would, with tools independent of Trent's unwrapping code.</summary>
public static class KeyWrapper
{
    /// <summary>RSAES-OAEP with the openssl CLI: <c>openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:oaep …</c>.</summary>
    public static async Task<byte[]> WrapWithOpenSslAsync(byte[] publicKeyDer, byte[] material, string digest)
    {
        var directory = TestDirectories.New();
        Directory.CreateDirectory(directory);
        try
        {
            var publicKey = Path.Combine(directory, "wrapping.der");
            var plain = Path.Combine(directory, "material.bin");
            var wrapped = Path.Combine(directory, "wrapped.bin");
            await File.WriteAllBytesAsync(publicKey, publicKeyDer);
            await File.WriteAllBytesAsync(plain, material);
            var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[]
            {
                "pkeyutl", "-encrypt", "-pubin", "-keyform", "DER", "-inkey", publicKey, "-in", plain, "-out", wrapped,
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", $"rsa_oaep_md:{digest}", "-pkeyopt", $"rsa_mgf1_md:{digest}",
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, "openssl pkeyutl failed: " + error);
            return await File.ReadAllBytesAsync(wrapped);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>RSA_AES_KEY_WRAP_SHA_*: OAEP over a fresh AES-256 key, then RFC 5649 (BouncyCastle) over the material.</summary>
    public static byte[] WrapRsaAes(byte[] publicKeyDer, byte[] material, HashAlgorithmName digest)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(publicKeyDer, out _);
        var aesKey = RandomNumberGenerator.GetBytes(32);
        var wrappedKey = rsa.Encrypt(aesKey, digest == HashAlgorithmName.SHA1 ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256);
        var engine = new AesWrapPadEngine();
        engine.Init(true, new KeyParameter(aesKey));
        return [.. wrappedKey, .. engine.Wrap(material, 0, material.Length)];
    }

    /// <summary>Decrypts a Trent symmetric ciphertext locally with known material, per docs/ciphertext-format.md.</summary>
    /// <summary>Decrypts a Trent ciphertext blob with the material the customer imported, by the format document.</summary>
    public static byte[] DecryptLocally(byte[] material, byte[] blob, IReadOnlyDictionary<string, string>? context) =>
        CiphertextDocument.OpenVersion2(material, blob, context);

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
