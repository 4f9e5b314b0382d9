using System.Net;
using System.Net.Sockets;

namespace Trent.Tests.Cli;

/// <summary>
/// Every start-up failure is one line starting "trent:", a non-zero exit, no stack trace, and leaves the data
/// directory as it was: absent if it did not exist, byte for byte the same if it did (issue 16).
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_port_in_use_refuses_the_start_before_a_fresh_directory_is_created_or_an_existing_one_touched()
    {
        var work = TrentCli.NewDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        try
        {
            var fresh = Path.Combine(work, "fresh");
            var result = await TrentCli.RunAsync(["serve", "--data", fresh, "--urls", url], work);
            TrentCli.AssertOneLineFailure(result, exit: 3);
            Assert.Contains($"--urls: {url} is in use by another process", result.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(fresh), "the failed start left " + TrentCli.Snapshot(fresh));

            var existing = await InitializedDirectoryAsync(work);
            var before = TrentCli.Snapshot(existing);
            result = await TrentCli.RunAsync(["serve", "--data", existing, "--urls", url], work);
            TrentCli.AssertOneLineFailure(result, exit: 3);
            Assert.Equal(before, TrentCli.Snapshot(existing));

            result = await TrentCli.RunAsync(["serve", "--data", fresh, "--urls", "http://127.0.0.1:0", "--metrics-urls", url], work);
            TrentCli.AssertOneLineFailure(result, exit: 3);
            Assert.Contains($"--metrics-urls: {url} is in use", result.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(fresh));
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task A_data_path_that_is_a_file_or_under_a_file_is_refused()
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var file = Path.Combine(work, "file");
            await File.WriteAllTextAsync(file, "not a directory");
            foreach (var data in new[] { file, Path.Combine(file, "data") })
            {
                var result = await TrentCli.RunAsync(["serve", "--data", data, "--urls", "http://127.0.0.1:0"], work);
                TrentCli.AssertOneLineFailure(result, exit: 3);
                Assert.Contains($"{file} is a file", result.Stderr, StringComparison.Ordinal);
                Assert.Equal("not a directory", await File.ReadAllTextAsync(file));
            }
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Theory]
    [InlineData("unreadable", "0300", "cannot read the data directory")]
    [InlineData("read-only", "0500", "cannot use the data directory")]
    [InlineData("not-creatable", "0500", "cannot use the data directory")]
    public async Task A_data_directory_without_the_permissions_it_needs_is_refused_and_left_as_it_was(string kind, string mode, string expected)
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var directory = Path.Combine(work, kind);
            Directory.CreateDirectory(directory);
            // not-creatable: the data directory is to be made inside a directory the user may not write.
            var data = kind == "not-creatable" ? Path.Combine(directory, "data") : directory;
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32(mode, 8));
            var before = TrentCli.Snapshot(directory);
            var result = await TrentCli.RunAsync(["serve", "--data", data, "--urls", "http://127.0.0.1:0"], work, unprivileged: true);
            TrentCli.AssertOneLineFailure(result, exit: 3);
            Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
            Assert.Contains(data, result.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, TrentCli.Snapshot(directory));
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task A_read_only_database_is_refused_before_the_directory_is_locked_or_recovered()
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var data = await InitializedDirectoryAsync(work);
            File.SetUnixFileMode(Path.Combine(data, "trent.db"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var before = TrentCli.Snapshot(data);
            var result = await TrentCli.RunAsync(["serve", "--data", data, "--urls", "http://127.0.0.1:0"], work, unprivileged: true);
            TrentCli.AssertOneLineFailure(result, exit: 3);
            Assert.Contains($"the database {Path.Combine(data, "trent.db")} is not writable", result.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, TrentCli.Snapshot(data));
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task A_failure_after_the_fresh_directory_was_created_removes_it_again()
    {
        var work = TrentCli.NewDirectory();
        try
        {
            // The lock is taken in the new directory, then the root key cannot be written: a step no pre-check covers.
            var locked = Path.Combine(work, "keys");
            Directory.CreateDirectory(locked);
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var data = Path.Combine(work, "a", "b", "data");
            var result = await TrentCli.RunAsync(
                ["serve", "--data", data, "--root-key", Path.Combine(locked, "root.key"), "--urls", "http://127.0.0.1:0"], work, unprivileged: true);
            TrentCli.AssertOneLineFailure(result, exit: 3);
            Assert.Contains("root.key", result.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(work, "a")), "left behind: " + TrentCli.Snapshot(Path.Combine(work, "a")));
            Assert.Empty(Directory.GetFileSystemEntries(locked));
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task A_missing_or_bad_certificate_is_one_line_and_creates_nothing()
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var data = Path.Combine(work, "data");
            var garbage = Path.Combine(work, "garbage.pem");
            await File.WriteAllTextAsync(garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            var (certificate, key) = await SelfSignedAsync(work);
            foreach (var (args, expected) in new (string[], string)[]
            {
                (["--tls-cert", Path.Combine(work, "nope.pem")], "--tls-cert: there is no file"),
                (["--tls-cert", garbage], "--tls-cert: cannot load the certificate"),
                (["--tls-cert", garbage, "--tls-key", garbage], "--tls-cert: cannot load the certificate"),
                (["--tls-cert", certificate], "without --tls-key it must be PKCS#12"),
                (["--tls-cert", certificate, "--tls-key", Path.Combine(work, "nope.key")], "--tls-key: there is no file"),
                (["--tls-cert", key, "--tls-key", certificate], "--tls-cert: cannot load the certificate"),
            })
            {
                var result = await TrentCli.RunAsync(["serve", "--data", data, "--urls", "https://127.0.0.1:0", .. args], work);
                TrentCli.AssertOneLineFailure(result, exit: 3);
                Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
                Assert.False(Directory.Exists(data), result.ToString());
            }
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    /// <summary>A data directory in use before: root key, database, audit trail, credentials.</summary>
    internal static async Task<string> InitializedDirectoryAsync(string work)
    {
        var data = Path.Combine(work, "existing");
        var created = await TrentCli.RunAsync(["create-account", "--data", data, "--new-account-id", "444455556666"], work);
        Assert.True(created.Exit == 0, created.ToString());
        return data;
    }

    private static async Task<(string Certificate, string Key)> SelfSignedAsync(string work)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=localhost", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(work, "server.crt");
        var keyPath = Path.Combine(work, "server.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
