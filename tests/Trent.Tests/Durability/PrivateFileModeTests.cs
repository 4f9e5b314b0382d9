using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

/// <summary>
/// Everything Trent creates is owner-only (0600 files, 0700 directories) even when the data directory
/// already existed with a looser mode and the umask would let group and others read (issue 11, item 12).
/// </summary>
public sealed class PrivateFileModeTests
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task Files_created_in_a_pre_existing_0755_data_directory_under_umask_000_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var data = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            using (var trent = await TrentProcess.StartAsync(data, ["--audit-rotation-interval", "00:00:01"], umask: "000", adminFromEnvironment: false))
            {
                var credentials = File.ReadAllLines(Path.Combine(data, "credentials"));
                string Value(string name) => credentials.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split('=', 2)[1].Trim();
                using var kms = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(
                    new Amazon.Runtime.BasicAWSCredentials(Value("aws_access_key_id"), Value("aws_secret_access_key")), TestTrent.Config(trent.Url));
                var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
                await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1, 2, 3]) });
                // Let a log file close and be sealed (gzip), so that sealed files are checked too.
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            var created = Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories);
            if (!TestStores.OnPostgres)
            {
                // The embedded database is in the data directory (on PostgreSQL it is not).
                Assert.Contains(created, f => f.EndsWith("trent.db", StringComparison.Ordinal));
                Assert.Contains(created, f => f.EndsWith("trent.db-wal", StringComparison.Ordinal));
            }

            Assert.Contains(created, f => f.EndsWith("audit-index.db", StringComparison.Ordinal));
            Assert.Contains(created, f => f.EndsWith("audit-signing.key", StringComparison.Ordinal));
            Assert.Contains(created, f => Path.GetFileName(f).StartsWith("trent-audit_", StringComparison.Ordinal));
            foreach (var entry in created)
            {
                var mode = File.GetUnixFileMode(entry);
                Assert.True((mode & GroupOrOther) == 0, $"{Path.GetRelativePath(data, entry)} is {Convert.ToString((int)mode, 8)}");
            }
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }
}
