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
