using System.Security.Cryptography;
using System.Text.Json;
using Trent.Audit.Files;

namespace Trent.Audit.Integrity;

/// <summary>
/// Walks the digest chains of an audit directory offline, with nothing but the files and the public key:
/// each digest's signature and its link to the previous digest, and each listed log file's SHA-256. Names
/// every file that is modified, missing, or not covered by a signed digest.
/// </summary>
public static class AuditTrailVerifier
{
    public static VerificationReport Verify(string auditDirectory, byte[] publicKey, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var report = new VerificationReport();
        var digestDirectory = Path.Combine(auditDirectory, AuditFileNames.DigestDirectory);
        var digests = Directory.Exists(digestDirectory)
            ? Directory.GetFiles(digestDirectory, AuditFileNames.DigestPrefix + "*" + AuditFileNames.DigestExtension)
                .Select(Path.GetFileName).OfType<string>()
                .Select(n => AuditFileNames.TryParse(n, out var node, out var end) ? (Name: n, Node: node, End: end) : default)
                .Where(d => d.Name is not null)
                .ToList()
            : [];
        var logs = Directory.GetFiles(auditDirectory, AuditFileNames.LogPrefix + "*")
            .Select(Path.GetFileName).OfType<string>()
            .Select(n => AuditFileNames.TryParse(n, out var node, out var start) ? (Name: n, Node: node, Start: start) : default)
            .Where(l => l.Name is not null)
            .ToList();
        var fingerprint = AuditPublicKey.FingerprintOf(publicKey);

        foreach (var node in digests.Select(d => d.Node).Concat(logs.Select(l => l.Node)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var chain = digests.Where(d => d.Node == node).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            string? through = null;
            (string Name, byte[] Bytes, string? Signature)? prior = null;
            foreach (var (name, _, end) in chain)
            {
                var bytes = File.ReadAllBytes(Path.Combine(digestDirectory, name));
                var signaturePath = Path.Combine(digestDirectory, AuditFileNames.SignatureOf(name));
                var signature = File.Exists(signaturePath) ? File.ReadAllText(signaturePath).Trim() : null;
                var current = (name, bytes, signature);
                DigestDocument document;
                try
                {
                    document = DigestDocument.Parse(bytes);
                }
                catch (JsonException)
                {
                    Report(report, from, to, end, new(AuditFileKind.Digest, name, AuditFileStatus.Modified, "not a readable digest document"));
                    prior = current;
                    continue;
                }

                var inRange = (from is null || end >= from) && (to is null || document.DigestStartTime <= to);
                var problems = new List<string>();
                AuditFileStatus? status = null;
                if (signature is null)
                {
                    status = AuditFileStatus.Unsigned;
                    problems.Add($"no signature file {AuditFileNames.SignatureOf(name)}");
                }
                else if (!SignatureValid(publicKey, document, name, bytes, signature))
                {
                    status = AuditFileStatus.Modified;
                    problems.Add(document.DigestPublicKeyFingerprint == fingerprint
                        ? "its signature does not verify under the trusted public key"
                        : $"signed by another key (fingerprint {document.DigestPublicKeyFingerprint}), not the trusted one ({fingerprint})");
                }

                if (document.DigestFile != name || document.Node != node)
                {
                    status = AuditFileStatus.Modified;
                    problems.Add($"its content is that of digest {document.DigestFile}");
                }

                CheckLink(report, digestDirectory, document, prior, problems, ref status, inRange);
                if (inRange)
                {
                    report.Files.Add(new(AuditFileKind.Digest, name, status ?? AuditFileStatus.Valid, problems.Count > 0 ? string.Join("; ", problems) : null));
                    foreach (var file in document.LogFiles)
                    {
                        report.Files.Add(CheckLog(auditDirectory, file));
                    }
                }

                foreach (var file in document.LogFiles)
                {
                    listed.Add(file.File);
                }

                through = document.LogFilesThrough ?? through;
                prior = current;
            }

            foreach (var log in logs.Where(l => l.Node == node).OrderBy(l => l.Name, StringComparer.Ordinal))
            {
                if (listed.Contains(log.Name) || (from is not null && log.Start < from) || (to is not null && log.Start > to))
                {
                    continue;
                }

                var digested = through is not null && string.CompareOrdinal(SealedName(log.Name), through) <= 0;
                report.Files.Add(digested
                    ? new(AuditFileKind.Log, log.Name, AuditFileStatus.Unsigned, "inside the digested period, but no digest lists it")
                    : new(AuditFileKind.Log, log.Name, AuditFileStatus.NotYetDigested, "newer than the newest digest"));
            }

            if (to is null && prior is { } newest && TryParseEnd(newest.Bytes) is { } newestEnd)
            {
                report.Warnings.Add($"The newest digest of node {node} ends at {DigestFormat.Time(newestEnd)}; digests after it, if any were written, cannot be checked.");
            }
        }

        return report;
    }

    private static void CheckLink(
        VerificationReport report,
        string digestDirectory,
        DigestDocument document,
        (string Name, byte[] Bytes, string? Signature)? prior,
        List<string> problems,
        ref AuditFileStatus? status,
        bool inRange)
    {
        if (document.PreviousDigestFile is null)
        {
            if (prior is not null)
            {
                status ??= AuditFileStatus.Modified;
                problems.Add($"it claims to start the chain, but digest {prior.Value.Name} comes before it");
            }

            return;
        }

        if (prior is null || prior.Value.Name != document.PreviousDigestFile)
        {
            if (!File.Exists(Path.Combine(digestDirectory, document.PreviousDigestFile)))
            {
                report.Files.Add(new(AuditFileKind.Digest, document.PreviousDigestFile, AuditFileStatus.Missing, $"digest {document.DigestFile} chains to it"));
            }
            else
            {
                status ??= AuditFileStatus.Modified;
                problems.Add($"it chains to {document.PreviousDigestFile}, but the digest before it is {prior?.Name ?? "none"}");
            }

            return;
        }

        var priorHash = Convert.ToHexStringLower(SHA256.HashData(prior.Value.Bytes));
        if (priorHash != document.PreviousDigestHashValue || prior.Value.Signature != document.PreviousDigestSignature)
        {
            // The earlier digest changed after the later one was signed over it.
            var existing = report.Find(prior.Value.Name);
            if (existing is not null)
            {
                report.Files.Remove(existing);
            }

            if (existing is not null || inRange)
            {
                var detail = $"its hash or signature differs from what the next digest {document.DigestFile} recorded";
                report.Files.Add(new(AuditFileKind.Digest, prior.Value.Name, AuditFileStatus.Modified,
                    existing?.Detail is { } earlier ? $"{earlier}; {detail}" : detail));
            }
        }
    }

    private static AuditFileResult CheckLog(string auditDirectory, DigestLogFile file)
    {
        var path = Path.Combine(auditDirectory, file.File);
        if (!File.Exists(path))
        {
            return new(AuditFileKind.Log, file.File, AuditFileStatus.Missing, "listed in a digest, but not there");
        }

        var hash = LogFileSealer.Hash(path);
        return hash == file.HashValue
            ? new(AuditFileKind.Log, file.File, AuditFileStatus.Valid)
            : new(AuditFileKind.Log, file.File, AuditFileStatus.Modified, $"SHA-256 {hash}, but the digest recorded {file.HashValue}");
    }

    private static bool SignatureValid(byte[] publicKey, DigestDocument document, string name, byte[] bytes, string signatureHex)
    {
        try
        {
            var signingString = DigestFormat.SigningString(
                document.DigestEndTime, name, Convert.ToHexStringLower(SHA256.HashData(bytes)), document.PreviousDigestSignature);
            return AuditPublicKey.Verify(publicKey, signingString, Convert.FromHexString(signatureHex));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }

    private static void Report(VerificationReport report, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset end, AuditFileResult result)
    {
        if ((from is null || end >= from) && (to is null || end <= to + TimeSpan.FromDays(1)))
        {
            report.Files.Add(result);
        }
    }

    private static string SealedName(string name) =>
        name.EndsWith(AuditFileNames.ActiveExtension, StringComparison.Ordinal) ? AuditFileNames.SealedLog(name) : name;

    private static DateTimeOffset? TryParseEnd(byte[] bytes)
    {
        try
        {
            return DigestDocument.Parse(bytes).DigestEndTime;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
