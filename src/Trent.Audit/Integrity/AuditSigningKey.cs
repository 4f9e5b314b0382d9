using System.Security.Cryptography;
using System.Text;
using Trent.Audit.Files;
using Trent.Crypto.Sealing;

namespace Trent.Audit.Integrity;

/// <summary>
/// The RSA key that signs digest files. Created at the first start and kept sealed under a domain key in
/// <c>DATA/audit-signing.key</c> (its public half in <c>audit-signing.pub</c>, which needs no root of trust to read); every node sharing the data directory uses the same key. Only the public
/// key ever leaves it (exported for auditors, who verify offline).
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    public const string SignatureAlgorithm = "SHA256withRSA";
    private static readonly byte[] AssociatedData = Encoding.UTF8.GetBytes("trent audit signing key v1");
    private static readonly byte[] ChainKeyInfo = Encoding.UTF8.GetBytes("trent audit chain key v1");
    private readonly RSA _rsa;

    private AuditSigningKey(RSA rsa, byte[] chainKey)
    {
        _rsa = rsa;
        Chain = new AuditChain(chainKey);
        PublicKey = rsa.ExportSubjectPublicKeyInfo();
        Fingerprint = AuditPublicKey.FingerprintOf(PublicKey);
    }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Hex SHA-256 of <see cref="PublicKey"/>, as digests name it.</summary>
    public string Fingerprint { get; }

    /// <summary>The keyed hash chain of the log files, with a key derived from this private key (never stored).</summary>
    public AuditChain Chain { get; }

    public string PublicKeyPem => PemEncoding.WriteString("PUBLIC KEY", PublicKey) + "\n";

    /// <summary>Loads the sealed key, or creates it if no node has yet (the first node to rename its file wins).</summary>
    public static AuditSigningKey LoadOrCreate(string path, Sealer sealer)
    {
        if (!File.Exists(path))
        {
            using var created = RSA.Create(2048);
            var pkcs8 = created.ExportPkcs8PrivateKey();
            try
            {
                var sealedKey = sealer.Seal(pkcs8, AssociatedData);
                var temporary = FileSync.TemporaryPathFor(path);
                using (var stream = FileSync.CreatePrivate(temporary))
                {
                    stream.Write(sealedKey);
                    stream.Flush(flushToDisk: true);
                }

                try
                {
                    File.Move(temporary, path, overwrite: false);
                    FileSync.SyncDirectory(Path.GetDirectoryName(path)!);
                }
                catch (IOException) when (File.Exists(path))
                {
                    File.Delete(temporary); // another node created it first: use theirs
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        var blob = File.ReadAllBytes(path);
        var plain = new byte[Sealer.PlaintextLength(blob)];
        try
        {
            sealer.Unseal(blob, AssociatedData, plain);
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(plain, out _);
            var key = new AuditSigningKey(rsa, HKDF.DeriveKey(HashAlgorithmName.SHA256, plain, AuditChain.Size, info: ChainKeyInfo));
            var publicPath = PublicKeyPathFor(path);
            if (!File.Exists(publicPath))
            {
                FileSync.WriteAtomically(publicPath, stream => stream.Write(Encoding.ASCII.GetBytes(key.PublicKeyPem)));
            }

            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Where the public half is written (PEM), beside the sealed key.</summary>
    public static string PublicKeyPathFor(string path) => Path.ChangeExtension(path, ".pub");

    /// <summary>Re-seals the key file under the current domain key if an older one (or, with <paramref name="legacy"/>,
    /// the first format) sealed it; false when it was current already or there is no file yet.</summary>
    public static bool Reseal(string path, Sealer sealer, SealedValueOpener? legacy)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        var blob = File.ReadAllBytes(path);
        if (Sealer.SealedVersion(blob) == sealer.CurrentVersion)
        {
            return false;
        }

        byte[] plain;
        if (LegacySealing.IsLegacy(blob))
        {
            if (legacy is null)
            {
                throw new CryptographicException($"{path} was sealed directly under a root key file by an older Trent; start once with that file as the root of trust.");
            }

            plain = new byte[LegacySealing.LegacyPlaintextLength(blob)];
            legacy(blob, AssociatedData, plain);
        }
        else
        {
            plain = new byte[Sealer.PlaintextLength(blob)];
            sealer.Unseal(blob, AssociatedData, plain);
        }

        try
        {
            var resealed = sealer.Seal(plain, AssociatedData);
            FileSync.WriteAtomically(path, stream => stream.Write(resealed));
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public byte[] Sign(byte[] data) => _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public void Dispose() => _rsa.Dispose();
}
