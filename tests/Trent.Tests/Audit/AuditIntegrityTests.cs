using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Trent.Audit.Integrity;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Audit;

/// <summary>
/// The digest chain makes every change to the trail detectable offline: each tampering below is reported,
/// naming the file, by the verifier library and by <c>trent audit verify</c>.
/// </summary>
public sealed class AuditIntegrityTests(AuditTrailFixture trail) : IClassFixture<AuditTrailFixture>
{
    [Fact]
    public void The_untouched_trail_verifies_every_digest_and_log_file()
    {
        var report = AuditTrailVerifier.Verify(trail.AuditDirectory, trail.PublicKey);
        Assert.True(report.Succeeded, Describe(report));
        Assert.Equal(4, trail.Digests().Length); // three hourly digests and the final one of the clean stop
        Assert.True(trail.LogFiles().Length >= 4, Describe(report));
        Assert.Empty(Directory.GetFiles(trail.AuditDirectory, "*.jsonl"));
        Assert.All(trail.Digests(), d => Assert.Equal(AuditFileStatus.Valid, report.Find(Path.GetFileName(d))?.Status));
        Assert.All(trail.LogFiles(), f => Assert.Equal(AuditFileStatus.Valid, report.Find(Path.GetFileName(f))?.Status));
        // Every acknowledged request is in a sealed, digested log file.
        var audited = AuditFiles.ReadAll(trail.DataDirectory).Select(r => r.GetProperty("requestID").GetString()).ToHashSet();
        Assert.All(trail.RequestIds, id => Assert.Contains(id, audited));
    }

    [Fact]
    public void Flipping_one_byte_of_a_log_file_is_reported_as_modified()
    {
        var copy = trail.Copy();
        var victim = LogFiles(copy)[1];
        var bytes = File.ReadAllBytes(victim);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(victim, bytes);

        AssertOnly(copy, (Path.GetFileName(victim), AuditFileStatus.Modified));
    }

    [Fact]
    public void Deleting_a_log_file_is_reported_as_missing()
    {
        var copy = trail.Copy();
        var victim = LogFiles(copy)[0];
        File.Delete(victim);

        AssertOnly(copy, (Path.GetFileName(victim), AuditFileStatus.Missing));
    }

    [Fact]
    public void A_digest_re_signed_with_another_key_is_reported_as_modified()
    {
        var copy = trail.Copy();
        var digest = Digests(copy)[1];
        var document = DigestDocument.Parse(File.ReadAllBytes(digest));
        var dropped = document.LogFiles[0].File;
        using var forger = RSA.Create(2048);
        var forged = document with
        {
            LogFiles = [.. document.LogFiles.Skip(1)],
            DigestPublicKeyFingerprint = AuditPublicKey.FingerprintOf(forger.ExportSubjectPublicKeyInfo()),
        };
        var json = forged.ToJson();
        var signingString = DigestFormat.SigningString(
            document.DigestEndTime, document.DigestFile, Convert.ToHexStringLower(SHA256.HashData(json)), document.PreviousDigestSignature);
        File.WriteAllBytes(digest, json);
        File.WriteAllText(Path.ChangeExtension(digest, ".json.sig"),
            Convert.ToHexStringLower(forger.SignData(signingString, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));

        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey);
        Assert.False(report.Succeeded);
        var result = report.Find(Path.GetFileName(digest));
        Assert.Equal(AuditFileStatus.Modified, result?.Status);
        Assert.Contains("signed by another key", result!.Detail, StringComparison.Ordinal);
        // The log file the forged digest no longer lists is not covered by any digest.
        Assert.Equal(AuditFileStatus.Unsigned, report.Find(dropped)?.Status);
    }

    [Fact]
    public void Swapping_two_log_files_is_reported_on_both()
    {
        var copy = trail.Copy();
        var files = LogFiles(copy);
        var (first, second) = (files[0], files[^1]);
        var temporary = first + ".swap";
        File.Move(first, temporary);
        File.Move(second, first);
        File.Move(temporary, second);

        AssertOnly(copy, (Path.GetFileName(first), AuditFileStatus.Modified), (Path.GetFileName(second), AuditFileStatus.Modified));
    }

    [Fact]
    public void Truncating_the_newest_log_file_is_reported_as_modified()
    {
        var copy = trail.Copy();
        var newest = LogFiles(copy)[^1];
        using (var stream = new FileStream(newest, FileMode.Open))
        {
            stream.SetLength(stream.Length - 10);
        }

        AssertOnly(copy, (Path.GetFileName(newest), AuditFileStatus.Modified));
    }

    [Fact]
    public void Deleting_a_digest_from_the_middle_of_the_chain_is_reported_with_the_files_it_covered()
    {
        var copy = trail.Copy();
        var digest = Digests(copy)[1];
        var covered = DigestDocument.Parse(File.ReadAllBytes(digest)).LogFiles.Select(f => f.File).ToList();
        File.Delete(digest);

        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey);
        Assert.False(report.Succeeded);
        Assert.Equal(AuditFileStatus.Missing, report.Find(Path.GetFileName(digest))?.Status);
        Assert.NotEmpty(covered);
        Assert.All(covered, f => Assert.Equal(AuditFileStatus.Unsigned, report.Find(f)?.Status));
    }

    [Fact]
    public void A_digest_without_its_signature_is_reported_as_unsigned()
    {
        var copy = trail.Copy();
        var digest = Digests(copy)[^1];
        File.Delete(Path.ChangeExtension(digest, ".json.sig"));

        AssertOnly(copy, (Path.GetFileName(digest), AuditFileStatus.Unsigned));
    }

    [Fact]
    public void Swapping_two_digests_breaks_the_chain_at_both()
    {
        var copy = trail.Copy();
        var digests = Digests(copy);
        var (first, second) = (digests[0], digests[1]);
        var firstBytes = File.ReadAllBytes(first);
        File.WriteAllBytes(first, File.ReadAllBytes(second));
        File.WriteAllBytes(second, firstBytes);

        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey);
        Assert.False(report.Succeeded);
        Assert.Equal(AuditFileStatus.Modified, report.Find(Path.GetFileName(first))?.Status);
        Assert.Equal(AuditFileStatus.Modified, report.Find(Path.GetFileName(second))?.Status);
    }

    [Fact]
    public void A_log_file_inserted_into_a_digested_period_is_reported_as_unsigned()
    {
        var copy = trail.Copy();
        var original = LogFiles(copy)[0];
        var inserted = Path.Combine(copy, Path.GetFileName(original).Replace("T09", "T08", StringComparison.Ordinal));
        File.Copy(original, inserted);

        AssertOnly(copy, (Path.GetFileName(inserted), AuditFileStatus.Unsigned));
    }

    [Fact]
    public async Task The_trent_audit_verify_command_passes_a_clean_trail_and_names_a_tampered_file()
    {
        var publicKey = Path.Combine(trail.DataDirectory, "exported.pem");
        var (exportCode, _, exportError) = await TrentCliAsync("audit", "public-key", "--data", trail.DataDirectory, "--out", publicKey);
        Assert.True(exportCode == 0, exportError);
        Assert.Equal(trail.PublicKey, AuditPublicKey.Load(publicKey));

        var (code, output, error) = await TrentCliAsync("audit", "verify", "--data", trail.DataDirectory, "--public-key", publicKey);
        Assert.True(code == 0, output + error);
        Assert.Contains("the trail is intact", output, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(trail.Digests()[0]), output, StringComparison.Ordinal);

        var copy = trail.Copy();
        var victim = LogFiles(copy)[0];
        File.AppendAllText(victim, "x");
        (code, output, error) = await TrentCliAsync("audit", "verify", "--data", Path.GetDirectoryName(copy)!, "--public-key", publicKey);
        Assert.Equal(1, code);
        Assert.Contains($"modified         log    {Path.GetFileName(victim)}", output, StringComparison.Ordinal);
        Assert.Contains("1 FAILED", output, StringComparison.Ordinal);

        // Restricted to a time range before the tampered file, the trail is intact.
        (code, output, _) = await TrentCliAsync(
            "audit", "verify", "--data", Path.GetDirectoryName(copy)!, "--public-key", publicKey, "--from", "2026-11-29T10:30:00Z");
        Assert.True(code == 0, output);
        Assert.DoesNotContain(Path.GetFileName(victim), output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_flipped_in_the_newest_log_after_a_clean_stop_is_reported_as_modified()
    {
        // The clean stop's final digest covers the newest file, so it is judged, not "not yet digested".
        var copy = trail.Copy();
        var newest = LogFiles(copy)[^1];
        var bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(newest, bytes);

        AssertOnly(copy, (Path.GetFileName(newest), AuditFileStatus.Modified));
    }

    [Fact]
    public void Deleting_the_newest_log_after_a_clean_stop_is_reported_as_missing()
    {
        var copy = trail.Copy();
        var newest = LogFiles(copy)[^1];
        File.Delete(newest);

        AssertOnly(copy, (Path.GetFileName(newest), AuditFileStatus.Missing));
    }

    [Fact]
    public void Deleting_every_digest_and_editing_a_log_leaves_no_node_of_the_trail_and_fails()
    {
        var copy = trail.Copy();
        Directory.Delete(Path.Combine(copy, "digest"), recursive: true);
        var victim = LogFiles(copy)[0];
        File.AppendAllText(victim, "x");

        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey, allowUndigestedTail: true);
        Assert.False(report.Succeeded);
        Assert.All(LogFiles(copy), f => Assert.Equal(AuditFileStatus.Unexpected, report.Find(Path.GetFileName(f))?.Status));
    }

    [Fact]
    public void Deleting_the_newest_digests_and_editing_the_logs_they_listed_fails_unless_the_tail_is_accepted_explicitly()
    {
        var copy = trail.Copy();
        var digests = Digests(copy);
        var listing = digests.Last(d => DigestDocument.Parse(File.ReadAllBytes(d)).LogFiles.Count > 0);
        var listed = DigestDocument.Parse(File.ReadAllBytes(listing)).LogFiles.Select(f => f.File).ToList();
        foreach (var digest in digests.Where(d => string.CompareOrdinal(d, listing) >= 0))
        {
            File.Delete(digest);
            File.Delete(Path.ChangeExtension(digest, ".json.sig"));
        }

        foreach (var file in listed)
        {
            File.AppendAllText(Path.Combine(copy, file), "x");
        }

        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey);
        Assert.False(report.Succeeded);
        Assert.All(listed, f => Assert.Equal(AuditFileStatus.Unsigned, report.Find(f)?.Status));

        // Accepting the undigested tail is a visible choice: the files are named and a warning says they were not checked.
        var accepted = AuditTrailVerifier.Verify(copy, trail.PublicKey, allowUndigestedTail: true);
        Assert.True(accepted.Succeeded, Describe(accepted));
        Assert.All(listed, f => Assert.Equal(AuditFileStatus.NotYetDigested, accepted.Find(f)?.Status));
        Assert.Contains(accepted.Warnings, w => w.Contains("accepted unchecked", StringComparison.Ordinal));
    }

    [Fact]
    public void A_log_forged_under_an_invented_node_name_is_reported_as_unexpected()
    {
        var copy = trail.Copy();
        var original = LogFiles(copy)[0];
        var forged = Path.Combine(copy, Path.GetFileName(original).Replace("_test_", "_ghost_", StringComparison.Ordinal));
        File.Copy(original, forged);

        AssertOnly(copy, (Path.GetFileName(forged), AuditFileStatus.Unexpected));
    }

    [Fact]
    public void A_log_dated_in_the_future_is_reported_as_unexpected_even_when_the_tail_is_accepted()
    {
        var copy = trail.Copy();
        var forged = Path.Combine(copy, Trent.Audit.Files.AuditFileNames.SealedLog(
            Trent.Audit.Files.AuditFileNames.ActiveLog("test", DateTimeOffset.UtcNow.AddDays(30))));
        File.Copy(LogFiles(copy)[0], forged);

        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey, allowUndigestedTail: true);
        Assert.False(report.Succeeded);
        Assert.Equal(AuditFileStatus.Unexpected, report.Find(Path.GetFileName(forged))?.Status);
    }

    [Fact]
    public void Deleting_the_first_digest_and_its_logs_is_reported_the_chain_does_not_start_at_the_trail_start()
    {
        var copy = trail.Copy();
        var first = Digests(copy)[0];
        foreach (var file in DigestDocument.Parse(File.ReadAllBytes(first)).LogFiles)
        {
            File.Delete(Path.Combine(copy, file.File));
        }

        File.Delete(first);
        File.Delete(Path.ChangeExtension(first, ".json.sig"));

        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey);
        Assert.False(report.Succeeded);
        Assert.Equal(AuditFileStatus.Missing, report.Find(Path.GetFileName(first))?.Status);
        Assert.All(Digests(copy), d => Assert.Equal(Path.GetFileName(first), DigestDocument.Parse(File.ReadAllBytes(d)).TrailStart));
    }

    [Fact]
    public async Task Trent_audit_head_prints_the_newest_digest_and_verify_names_an_undigested_tail()
    {
        var (code, output, error) = await TrentCliAsync("audit", "head", "--data", trail.DataDirectory);
        Assert.True(code == 0, error);
        var newest = trail.Digests()[^1];
        Assert.Equal($"{Path.GetFileName(newest)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(newest)))}", output.Trim());

        var copy = trail.Copy();
        // The two newest digests (the final one and the 12:00 one, which lists the 11:00 log) go: that log is an undigested tail.
        foreach (var digest in Digests(copy)[^2..])
        {
            File.Delete(digest);
            File.Delete(Path.ChangeExtension(digest, ".json.sig"));
        }

        var data = Path.GetDirectoryName(copy)!;
        (code, output, _) = await TrentCliAsync("audit", "verify", "--data", data, "--public-key", Path.Combine(copy, "trent-audit-public-key.pem"));
        Assert.Equal(1, code);
        Assert.DoesNotContain("intact", output, StringComparison.Ordinal);
        (code, output, error) = await TrentCliAsync(
            "audit", "verify", "--data", data, "--public-key", Path.Combine(copy, "trent-audit-public-key.pem"), "--allow-undigested-tail");
        Assert.True(code == 0, output + error);
        Assert.Contains("WARNING", output, StringComparison.Ordinal);
        Assert.DoesNotContain("intact", output, StringComparison.Ordinal);
    }

    internal static async Task<(int Code, string Output, string Error)> TrentCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trent.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await output, await error);
    }

    private void AssertOnly(string copy, params (string File, AuditFileStatus Status)[] expected)
    {
        var report = AuditTrailVerifier.Verify(copy, trail.PublicKey);
        Assert.False(report.Succeeded);
        var failed = report.Files.Where(f => f.Failed).Select(f => (f.File, f.Status)).Order().ToList();
        Assert.True(expected.Order().SequenceEqual(failed), Describe(report));
    }

    private static string[] LogFiles(string audit) => [.. Directory.GetFiles(audit, "trent-audit_*.json.gz").Order(StringComparer.Ordinal)];

    private static string[] Digests(string audit) => [.. Directory.GetFiles(Path.Combine(audit, "digest"), "*.json").Order(StringComparer.Ordinal)];

    private static string Describe(VerificationReport report)
    {
        var text = new StringBuilder();
        foreach (var file in report.Files)
        {
            text.AppendLine($"{file.Status} {file.Kind} {file.File} {file.Detail}");
        }

        return text.ToString();
    }
}
