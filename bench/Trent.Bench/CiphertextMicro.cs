using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Trent.Crypto.Ciphertext;

namespace Trent.Bench;

/// <summary>
/// `trent-bench micro-ciphertext`: the cost of the per-blob key derivation of ciphertext v2, in process. It
/// times Trent's Encrypt and Decrypt against AES-256-GCM with the material used directly (the version 1
/// construction), on one thread, for small and large plaintexts.
/// </summary>
public static class CiphertextMicro
{
    public static int Run(Options options)
    {
        var iterations = options.Int("iterations", 200_000);
        var material = RandomNumberGenerator.GetBytes(32);
        var reference = new byte[SymmetricCiphertext.KeyReferenceSize];
        RandomNumberGenerator.Fill(reference.AsSpan(1));
        var context = new Dictionary<string, string> { ["purpose"] = "bench" };
        Console.WriteLine("| plaintext | direct AES-GCM encrypt (v1) ns | v2 encrypt ns | v2 decrypt ns | derivation cost ns |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var size in new[] { 32, 4096 })
        {
            var plaintext = RandomNumberGenerator.GetBytes(size);
            var output = new byte[size + 16];
            var iv = new byte[12];
            var direct = Time(iterations, () =>
            {
                RandomNumberGenerator.Fill(iv);
                using var aes = new AesGcm(material, 16);
                aes.Encrypt(iv, plaintext, output.AsSpan(0, size), output.AsSpan(size), reference);
            });
            var blob = SymmetricCiphertext.Encrypt(material, reference, 1, plaintext, context);
            var encrypt = Time(iterations, () => SymmetricCiphertext.Encrypt(material, reference, 1, plaintext, context));
            var decrypt = Time(iterations, () => SymmetricCiphertext.TryDecrypt(material, blob, context, out _));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size} B | {direct:F0} | {encrypt:F0} | {decrypt:F0} | {encrypt - direct:F0} |"));
        }

        return 0;
    }

    /// <summary>Mean nanoseconds per call, after a warm-up of a tenth as many calls.</summary>
    private static double Time(int iterations, Action action)
    {
        for (var i = 0; i < iterations / 10; i++)
        {
            action();
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        return stopwatch.Elapsed.TotalNanoseconds / iterations;
    }
}
