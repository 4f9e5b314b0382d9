using System.Globalization;
using Trent.Audit.Files;
using Trent.Audit.Integrity;
using Trent.Crypto.Sealing;

namespace Trent;

/// <summary><c>trent audit verify|head|public-key</c>: offline checks of the audit trail, its anchor, and the key auditors need.</summary>
internal static class AuditCommand
{
    public const string Usage = """
        Usage: trent audit verify [--data DIR] [--from TIME] [--to TIME] [--public-key FILE] [--allow-undigested-tail]
               trent audit head [--data DIR]
               trent audit public-key [--data DIR] [--root-key FILE] [--out FILE] [--der]

          verify      Walks the signed digest chains of DIR/audit offline and reports each digest and log file as
                      valid, modified, missing, unsigned (not covered by a digest) or unexpected (a node with no
                      digest, a name the server does not write, a date in the future). Exits 1 if any file fails;
                      log files newer than the newest digest fail too unless --allow-undigested-tail accepts them
                      (with a warning). TIME is ISO 8601 (e.g. 2026-11-29T10:00:00Z). Give --public-key with a key
                      obtained independently of the files (trent audit public-key); without it the copy in
                      DIR/audit/trent-audit-public-key.pem is trusted.
          head        Prints each node's newest digest (name and SHA-256), for an external system to keep: an
                      anchor that shows later whether newer digests were removed.
          public-key  Writes the audit signing key's public key (PEM, or DER with --der) to FILE or stdout.
                      Needs the root key, so it runs where the server's data directory is.
        """;

    public static int Run(string[] args)
    {
        var verb = args.FirstOrDefault();
        var options = args.Skip(1).ToList();
        try
        {
            return verb switch
            {
                "verify" => Verify(options),
                "head" => Head(options),
                "public-key" => ExportPublicKey(options),
                "help" or "--help" or "-h" => PrintUsage(),
                _ => Fail(2, verb is null ? "audit needs a command." : $"Unknown audit command '{verb}'."),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            Console.Error.WriteLine($"trent audit {verb}: {e.Message}");
            return 2;
        }
    }

    private static int Verify(List<string> args)
    {
        var from = Take(args, "--from") is { } f ? ParseTime(f) : (DateTimeOffset?)null;
        var to = Take(args, "--to") is { } t ? ParseTime(t) : (DateTimeOffset?)null;
        var publicKeyFile = Take(args, "--public-key");
        var allowTail = args.Remove("--allow-undigested-tail");
        var server = ServeConfiguration.Load([.. args]);
        var auditDirectory = server.AuditDirectory;
        if (!Directory.Exists(auditDirectory))
        {
            return Fail(2, $"There is no audit directory at {auditDirectory}.");
        }

        if (publicKeyFile is null)
        {
            publicKeyFile = Path.Combine(auditDirectory, AuditFileNames.PublicKeyFile);
            Console.Error.WriteLine($"Trusting the public key stored with the trail ({publicKeyFile}); pass --public-key with an independently obtained copy to rule out a replaced key.");
        }

        var publicKey = AuditPublicKey.Load(publicKeyFile);
        var report = AuditTrailVerifier.Verify(auditDirectory, publicKey, from, to, allowTail);
        foreach (var file in report.Files)
        {
            var status = file.Status switch
            {
                AuditFileStatus.NotYetDigested => "not yet digested",
                var s => s.ToString().ToLowerInvariant(),
            };
            var kind = file.Kind == AuditFileKind.Digest ? "digest" : "log";
            Console.WriteLine(file.Detail is null ? $"{status,-16} {kind,-6} {file.File}" : $"{status,-16} {kind,-6} {file.File}: {file.Detail}");
        }

        foreach (var warning in report.Warnings)
        {
            Console.Error.WriteLine($"note: {warning}");
        }

        var failures = report.Files.Count(f => f.Failed);
        var tail = report.Files.Count(f => f.Status == AuditFileStatus.NotYetDigested);
        var outcome = failures > 0 ? string.Create(CultureInfo.InvariantCulture, $"{failures} FAILED.")
            : tail > 0 ? string.Create(CultureInfo.InvariantCulture, $"every digested file is valid; WARNING: {tail} newer log files are not covered by any digest (accepted, unchecked).")
            : "the trail is intact.";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Files.Count(f => f.Kind == AuditFileKind.Digest)} digest files and {report.Files.Count(f => f.Kind == AuditFileKind.Log)} log files checked (public key {AuditPublicKey.FingerprintOf(publicKey)[..16]}…): {outcome}"));
        return failures == 0 ? 0 : 1;
    }

    private static int Head(List<string> args)
    {
        var server = ServeConfiguration.Load([.. args]);
        var digestDirectory = Path.Combine(server.AuditDirectory, AuditFileNames.DigestDirectory);
        var newest = (Directory.Exists(digestDirectory) ? Directory.GetFiles(digestDirectory, AuditFileNames.DigestPrefix + "*" + AuditFileNames.DigestExtension) : [])
            .Select(Path.GetFileName).OfType<string>()
            .Select(n => AuditFileNames.TryParse(n, out var node, out _) ? (Name: n, Node: node) : default)
            .Where(d => d.Name is not null)
            .GroupBy(d => d.Node, StringComparer.Ordinal)
            .Select(g => g.Select(d => d.Name).Order(StringComparer.Ordinal).Last())
            .Order(StringComparer.Ordinal)
            .ToList();
        if (newest.Count == 0)
        {
            return Fail(2, $"There is no digest in {digestDirectory}.");
        }

        foreach (var name in newest)
        {
            Console.WriteLine($"{name} {LogFileSealer.Hash(Path.Combine(digestDirectory, name))}");
        }

        return 0;
    }

    private static int ExportPublicKey(List<string> args)
    {
        var output = Take(args, "--out");
        var der = args.Remove("--der");
        var server = ServeConfiguration.Load([.. args]);
        if (!File.Exists(server.AuditSigningKeyPath))
        {
            return Fail(2, $"There is no audit signing key at {server.AuditSigningKeyPath}; start the server once first.");
        }

        using var rootKey = new FileRootKeyProvider(server.RootKeyPath).Load();
        using var key = AuditSigningKey.LoadOrCreate(server.AuditSigningKeyPath, new Sealer(rootKey));
        if (output is null)
        {
            if (der)
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(key.PublicKey);
            }
            else
            {
                Console.Write(key.PublicKeyPem);
            }
        }
        else
        {
            File.WriteAllBytes(output, der ? key.PublicKey : System.Text.Encoding.ASCII.GetBytes(key.PublicKeyPem));
            Console.Error.WriteLine($"Wrote the audit public key (SHA-256 fingerprint {key.Fingerprint}) to {output}.");
        }

        return 0;
    }

    private static string? Take(List<string> args, string name)
    {
        var index = args.IndexOf(name);
        if (index < 0)
        {
            return null;
        }

        if (index + 1 >= args.Count)
        {
            throw new ArgumentException($"{name} needs a value.");
        }

        var value = args[index + 1];
        args.RemoveRange(index, 2);
        return value;
    }

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"'{value}' is not a time; use ISO 8601, e.g. 2026-11-29T10:00:00Z.");

    private static int PrintUsage()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Usage);
        return code;
    }
}
