using System.Security.Cryptography;
using System.Text;

namespace Trent.Audit.Integrity;

/// <summary>Reading and naming the public key that digests are verified with (PEM or DER SubjectPublicKeyInfo).</summary>
public static class AuditPublicKey
{
    public static string FingerprintOf(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>The DER SubjectPublicKeyInfo in a PEM (<c>-----BEGIN PUBLIC KEY-----</c>) or DER file.</summary>
    public static byte[] Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            var pem = PemEncoding.Find(text);
            if (!text[pem.Label].Equals("PUBLIC KEY", StringComparison.Ordinal))
            {
                throw new CryptographicException($"{path} holds a {text[pem.Label]}, not a PUBLIC KEY.");
            }

            return Convert.FromBase64String(text[pem.Base64Data]);
        }

        return bytes;
    }

    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] data, byte[] signature)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
