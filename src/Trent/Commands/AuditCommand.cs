using System.CommandLine;
using System.Globalization;
using Trent.Audit.Files;
using Trent.Audit.Integrity;
using Trent.CommandLine;
using Trent.Crypto.Sealing;
using Trent.Server;

namespace Trent.Commands;

/// <summary><c>trent audit verify|head|public-key</c>: offline checks of the audit trail, its anchor, and the key auditors need.
/// They only read: no lock, and they work beside a live server.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Offline checks of the signed audit trail (no server, no lock)")
        {
            VerifyCommand(),
            HeadCommand(),
            PublicKeyCommand(),
        };
        command.SetAction(new Func<ParseResult, int>(_ => throw new UsageException("audit needs a command: verify, head or public-key (see 'trent audit --help').")));
        return command;
    }

    private static Command VerifyCommand()
    {
        var from = new Option<DateTimeOffset?>("--from") { HelpName = "TIME", Description = "Check only files from TIME on (ISO 8601, e.g. 2026-11-29T10:00:00Z)", CustomParser = ParseTime };
        var to = new Option<DateTimeOffset?>("--to") { HelpName = "TIME", Description = "Check only files up to TIME", CustomParser = ParseTime };
        var publicKey = new Option<string>("--public-key")
        {
            HelpName = "FILE",
            Description = "The audit public key, obtained independently of the files (trent audit public-key); default: the copy in DIR/audit, trusted",
        };
        var allowTail = new Option<bool>("--allow-undigested-tail") { Description = "Accept log files newer than the newest digest (with a warning) instead of failing them" };
        var trails = new Option<string[]>("--trail")
        {
            HelpName = "AUDIT-DIR",
            Description = "Verify this node's audit directory (repeat for each node sharing a database; each with the public key stored beside it) instead of DIR/audit",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command(
            "verify",
            "Walk the signed digest chains of DIR/audit (or of each --trail) offline and report each digest and log file as valid, modified, missing, unsigned "
            + "or unexpected. Exits 1 if any file fails.")
        {
            from, to, publicKey, allowTail, trails,
        };
        var configuration = ServeConfiguration.AddTo(command, SettingScope.Data);
        command.SetAction(parse => Run("verify", () => parse.GetValue(trails) is { Length: > 0 } nodes
            ? VerifyNodes(nodes, parse.GetValue(from), parse.GetValue(to), parse.GetValue(publicKey), parse.GetValue(allowTail))
            : Verify(configuration.Load(parse).AuditDirectory, parse.GetValue(from), parse.GetValue(to), parse.GetValue(publicKey), parse.GetValue(allowTail))));
        return command;
    }

    private static Command HeadCommand()
    {
        var command = new Command(
            "head",
            "Print each node's newest digest (name and SHA-256), for an external system to keep: an anchor that shows later whether newer digests were removed.");
        var configuration = ServeConfiguration.AddTo(command, SettingScope.Data);
        command.SetAction(parse => Run("head", () => Head(configuration.Load(parse))));
        return command;
    }

    private static Command PublicKeyCommand()
    {
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Write the key to FILE (default: stdout)" };
        var der = new Option<bool>("--der") { Description = "DER instead of PEM" };
        var command = new Command(
            "public-key",
            "Write the audit signing key's public key. Needs the root key, so it runs where the server's data directory is.")
        {
            output, der,
        };
        var configuration = ServeConfiguration.AddTo(command, SettingScope.Data);
        command.SetAction(parse => Run("public-key", () => ExportPublicKey(configuration.Load(parse), parse.GetValue(output), parse.GetValue(der))));
        return command;
    }

    private static int Run(string verb, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            Console.Error.WriteLine($"trent audit {verb}: {e.Message.ReplaceLineEndings(" ")}");
            return ExitCodes.Usage;
        }
    }

    /// <summary>The trails of several nodes, each its own chain under its own signing key: all must pass.</summary>
    private static int VerifyNodes(string[] trails, DateTimeOffset? from, DateTimeOffset? to, string? publicKeyFile, bool allowTail)
    {
        if (publicKeyFile is not null && trails.Length > 1)
        {
            throw new UsageException("--public-key names one node's key; with several --trail each is checked against the key stored beside it (compare the fingerprints printed with independently obtained copies).");
        }

        var failed = 0;
        foreach (var trail in trails)
        {
            Console.WriteLine($"== {Path.GetFullPath(trail)}");
            if (Verify(Path.GetFullPath(trail), from, to, publicKeyFile, allowTail) != ExitCodes.Ok)
            {
                failed++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trails.Length} trails checked: {(failed == 0 ? "every trail is intact." : $"{failed} FAILED.")}"));
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static int Verify(string auditDirectory, DateTimeOffset? from, DateTimeOffset? to, string? publicKeyFile, bool allowTail)
    {
        if (!Directory.Exists(auditDirectory))
        {
            return Fail(ExitCodes.Usage, $"There is no audit directory at {auditDirectory}.");
        }

        if (publicKeyFile is null)
        {
            publicKeyFile = Path.Combine(auditDirectory, AuditFileNames.PublicKeyFile);
            Console.Error.WriteLine($"Trusting the public key stored with the trail ({publicKeyFile}); pass --public-key with an independently obtained copy to rule out a replaced key.");
        }

        var publicKey = AuditPublicKey.Load(publicKeyFile);
        VerificationReport report;
        using (var progress = new ProgressLine("checked", "digests", 0, plainEvery: 1000))
        {
            report = AuditTrailVerifier.Verify(auditDirectory, publicKey, from, to, allowTail, progress: (done, total) =>
            {
                progress.Total = total;
                progress.Report(done);
            });
        }

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
        return failures == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static int Head(TrentServerOptions server)
    {
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
            return Fail(ExitCodes.Usage, $"There is no digest in {digestDirectory}.");
        }

        foreach (var name in newest)
        {
            Console.WriteLine($"{name} {LogFileSealer.Hash(Path.Combine(digestDirectory, name))}");
        }

        return ExitCodes.Ok;
    }

    private static int ExportPublicKey(TrentServerOptions server, string? output, bool der)
    {
        // The public half is kept in the clear beside the sealed key, so an export needs no root of trust.
        var path = AuditSigningKey.PublicKeyPathFor(server.AuditSigningKeyPath);
        if (!File.Exists(path))
        {
            return Fail(ExitCodes.Usage, $"There is no audit public key at {path}; start the server once first.");
        }

        var pem = File.ReadAllText(path);
        var publicKey = AuditPublicKey.Load(path);
        if (output is null)
        {
            if (der)
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(publicKey);
            }
            else
            {
                Console.Write(pem);
            }
        }
        else
        {
            File.WriteAllBytes(output, der ? publicKey : System.Text.Encoding.ASCII.GetBytes(pem));
            Console.Error.WriteLine($"Wrote the audit public key (SHA-256 fingerprint {AuditPublicKey.FingerprintOf(publicKey)}) to {output}.");
        }

        return ExitCodes.Ok;
    }

    private static DateTimeOffset? ParseTime(System.CommandLine.Parsing.ArgumentResult result)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        result.AddError($"'{value}' is not a time; use ISO 8601, e.g. 2026-11-29T10:00:00Z.");
        return null;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"trent: {message}");
        return code;
    }
}
