using System.Diagnostics;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Access;

/// <summary><c>trent create-account</c>: a second account in the data directory, whose root signs in with the printed key.</summary>
public sealed class CreateAccountVerbTests
{
    [Fact]
    public async Task The_printed_root_credentials_sign_in_to_the_new_account()
    {
        var data = TestTrent.NewDataDirectory();
        try
        {
            var (exit, output) = await RunAsync("create-account", "--data", data, "--new-account-id", "444455556666");
            Assert.True(exit == 0, output);
            Assert.Contains("Created account 444455556666", output, StringComparison.Ordinal);
            var id = Line(output, "AWS_ACCESS_KEY_ID=");
            var secret = Line(output, "AWS_SECRET_ACCESS_KEY=");

            (exit, output) = await RunAsync("create-account", "--data", data, "--new-account-id", "444455556666");
            Assert.Equal(1, exit);
            Assert.Contains("already exists", output, StringComparison.Ordinal);

            using var trent = await TrentProcess.StartAsync(data);
            using var sts = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(id, secret), new AmazonSecurityTokenServiceConfig
            {
                ServiceURL = trent.Url, AuthenticationRegion = TestTrent.Region, MaxErrorRetry = 0,
            });
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
            Assert.Equal("arn:aws:iam::444455556666:root", identity.Arn);
            Assert.Equal("444455556666", identity.Account);
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }

    [Fact]
    public async Task Each_run_leaves_a_digested_CloudTrail_record_naming_the_account_but_never_the_secret()
    {
        var data = TestTrent.NewDataDirectory();
        try
        {
            var (exit, output) = await RunAsync("create-account", "--data", data, "--new-account-id", "777788889999");
            Assert.True(exit == 0, output);
            var id = Line(output, "AWS_ACCESS_KEY_ID=");
            var secret = Line(output, "AWS_SECRET_ACCESS_KEY=");
            (exit, _) = await RunAsync("create-account", "--data", data, "--new-account-id", "777788889999");
            Assert.Equal(1, exit);
            (exit, output) = await RunAsync("seed-keys", "--data", data, "--count", "3");
            Assert.True(exit == 0, output);

            var records = AuditFiles.ReadAll(data);
            var created = records.Where(r => r.GetProperty("eventName").GetString() == "CreateAccount").ToList();
            Assert.Equal(2, created.Count);
            var success = created.Single(r => !r.TryGetProperty("errorCode", out _));
            Assert.Equal("organizations.amazonaws.com", success.GetProperty("eventSource").GetString());
            Assert.Equal("trent-cli", success.GetProperty("sourceIPAddress").GetString());
            Assert.Equal("Root", success.GetProperty("userIdentity").GetProperty("type").GetString());
            Assert.Equal("777788889999", success.GetProperty("responseElements").GetProperty("accountId").GetString());
            Assert.Equal(id, success.GetProperty("responseElements").GetProperty("rootAccessKeyId").GetString());
            Assert.StartsWith("trent create-account", success.GetProperty("userAgent").GetString(), StringComparison.Ordinal);
            var duplicate = created.Single(r => r.TryGetProperty("errorCode", out _));
            Assert.Equal("DuplicateAccountException", duplicate.GetProperty("errorCode").GetString());
            Assert.DoesNotContain(records, r => r.GetRawText().Contains(secret, StringComparison.Ordinal));

            var seeded = Assert.Single(records, r => r.GetProperty("eventName").GetString() == "SeedKeys");
            Assert.Equal(3, seeded.GetProperty("requestParameters").GetProperty("count").GetInt32());
            Assert.Equal(3, seeded.GetProperty("responseElements").GetProperty("keysCreated").GetInt32());

            // Each verb ends with a final digest, so the strict check passes with no server ever started.
            (exit, output) = await RunAsync("audit", "verify", "--data", data, "--public-key", Path.Combine(data, "audit", "trent-audit-public-key.pem"));
            Assert.True(exit == 0, output);
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trent.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await stdout + await stderr);
    }
}
