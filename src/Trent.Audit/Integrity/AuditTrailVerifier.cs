using System.Security.Cryptography;
using System.Text.Json;
using Trent.Audit.Files;

namespace Trent.Audit.Integrity;

/// <summary>
/// Walks the digest chains of an audit directory offline, with nothing but the files and the public key:
/// each digest's signature and its link to the previous digest, and each listed log file's SHA-256. Names
/// every file that is modified, missing, or not covered by a signed digest, and every file the trail cannot
/// account for (a node with no digest, a name the server does not write, a date in the future).
/// </summary>
public static class AuditTrailVerifier
{
    /// <summary>How far a file's date may be ahead of the verifier's clock (clock skew between hosts).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <param name="allowUndigestedTail">Accept log files newer than a node's newest digest (reported as not yet
    /// digested, with a warning) instead of failing them.</param>
    /// <param name="progress">Called after each digest and the log files it lists are checked, with (checked, of all digests).</param>
    public static VerificationReport Verify(
        string auditDirectory,
        byte[] publicKey,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        bool allowUndigestedTail = false,
        DateTimeOffset? now = null,
        Action<int, int>? progress = null)
    {
        var latest = (now ?? DateTimeOffset.UtcNow) + ClockSkew;
        var report = new VerificationReport();
        var digestDirectory = Path.Combine(auditDirectory, AuditFileNames.DigestDirectory);
        var digests = Directory.Exists(digestDirectory)
            ? Directory.GetFiles(digestDirectory, AuditFileNames.DigestPrefix + "*" + AuditFileNames.DigestExtension)
                .Select(Path.GetFileName).OfType<string>()
                .Select(n => AuditFileNames.TryParse(n, out var node, out var end) ? (Name: n, Node: node, End: end) : default)
                .Where(d => d.Name is not null)
                .ToList()
            : [];
        var names = Directory.GetFiles(auditDirectory, AuditFileNames.LogPrefix + "*").Select(Path.GetFileName).OfType<string>().ToList();
        var logs = names
            .Select(n => AuditFileNames.TryParse(n, out var node, out var start) ? (Name: n, Node: node, Start: start) : default)
            .Where(l => l.Name is not null)
            .ToList();
        foreach (var name in names.Where(n => !AuditFileNames.TryParse(n, out _, out _)).Order(StringComparer.Ordinal))
        {
            report.Files.Add(new(AuditFileKind.Log, name, AuditFileStatus.Unexpected, name.EndsWith(AuditFileNames.BrokenSuffix, StringComparison.Ordinal)
                ? "set aside by the server: its hash chain showed content the server did not write"
                : "not a name the server gives its log files"));
        }

        foreach (var log in logs.Where(l => l.Start > latest && InRange(l.Start, from, to)))
        {
            report.Files.Add(new(AuditFileKind.Log, log.Name, AuditFileStatus.Unexpected, $"dated {DigestFormat.Time(log.Start)}, in the future"));
        }

        logs.RemoveAll(l => l.Start > latest);
        var knownNodes = digests.Select(d => d.Node).ToHashSet(StringComparer.Ordinal);
        foreach (var log in logs.Where(l => !knownNodes.Contains(l.Node) && InRange(l.Start, from, to)))
        {
            report.Files.Add(new(AuditFileKind.Log, log.Name, AuditFileStatus.Unexpected, $"it belongs to no node of the trail: no digest of node '{log.Node}' exists"));
        }

        logs.RemoveAll(l => !knownNodes.Contains(l.Node));
        var fingerprint = AuditPublicKey.FingerprintOf(publicKey);
        var digestsChecked = 0;

        foreach (var node in digests.Select(d => d.Node).Concat(logs.Select(l => l.Node)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var chain = digests.Where(d => d.Node == node).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            string? through = null;
            string? trailStart = null;
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
                    progress?.Invoke(++digestsChecked, digests.Count);
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
                CheckTrailStart(report, digestDirectory, document, prior is null, ref trailStart, problems, ref status);
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
                progress?.Invoke(++digestsChecked, digests.Count);
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
                    : allowUndigestedTail
                        ? new(AuditFileKind.Log, log.Name, AuditFileStatus.NotYetDigested, "newer than the newest digest")
                        : new(AuditFileKind.Log, log.Name, AuditFileStatus.Unsigned, "newer than the newest digest: no digest covers it"));
            }

            var tail = report.Files.Count(f => f.Status == AuditFileStatus.NotYetDigested && logs.Any(l => l.Node == node && l.Name == f.File));
            if (tail > 0)
            {
                report.Warnings.Add($"{tail} log files of node {node} are newer than its newest digest and were accepted unchecked (--allow-undigested-tail).");
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

    /// <summary>
    /// Every digest names its node's first digest; the chain must be found starting there, so that removing the
    /// oldest digests (and the logs they covered) is reported, not taken for a younger trail.
    /// </summary>
    private static void CheckTrailStart(
        VerificationReport report,
        string digestDirectory,
        DigestDocument document,
        bool first,
        ref string? trailStart,
        List<string> problems,
        ref AuditFileStatus? status)
    {
        var named = document.TrailStart ?? document.DigestFile;
        if (first)
        {
            trailStart = named;
            if (named != document.DigestFile && !File.Exists(Path.Combine(digestDirectory, named)) && report.Find(named) is null)
            {
                report.Files.Add(new(AuditFileKind.Digest, named, AuditFileStatus.Missing, $"the trail's first digest, as digest {document.DigestFile} records; the chain does not start there"));
            }

            return;
        }

        if (named != trailStart)
        {
            status ??= AuditFileStatus.Modified;
            problems.Add($"it names {named} as the trail's first digest, but the chain starts at {trailStart}");
        }
    }

    private static bool InRange(DateTimeOffset time, DateTimeOffset? from, DateTimeOffset? to) =>
        (from is null || time >= from) && (to is null || time <= to);

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
