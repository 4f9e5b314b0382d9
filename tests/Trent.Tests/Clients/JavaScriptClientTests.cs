using System.Diagnostics;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Clients;

/// <summary>
/// Clients people use from JavaScript, against a real server: the AWS SDK for JavaScript v3
/// (<c>@aws-sdk/client-kms</c>) and the AWS Encryption SDK for JavaScript (<c>@aws-crypto/client-node</c>).
/// The tests are node:test files in tests/js; scripts/test installs Node.js and their packages (npm ci).
/// </summary>
public sealed class JavaScriptClientTests
{
    [Theory]
    [InlineData("kms-client.test.mjs")]
    [InlineData("encryption-sdk.test.mjs")]
    public async Task The_JavaScript_tests_pass_against_Trent(string file)
    {
        var directory = JsDirectory();
        Assert.True(
            Directory.Exists(Path.Combine(directory, "node_modules", "@aws-sdk", "client-kms")),
            $"the JavaScript clients are not installed: run `npm ci --prefix {directory}` (scripts/test does)");
        await using var trent = await TestTrent.StartAsync();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--no-deprecation", "--test", "--test-reporter=tap", file })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TRENT_ENDPOINT"] = trent.Url;
        start.Environment["TRENT_ACCOUNT_ID"] = TestTrent.AccountId;
        start.Environment["AWS_ACCESS_KEY_ID"] = TestTrent.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = TestTrent.SecretAccessKey;
        start.Environment["AWS_REGION"] = TestTrent.Region;
        // Nothing from the machine's AWS configuration may reach the clients.
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node --test {file} exited {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Matches(@"(?m)^# pass [1-9]", output);
        Assert.Matches(@"(?m)^# fail 0$", output);
    }

    /// <summary>tests/js in the source tree (its node_modules are not copied into the build output).</summary>
    private static string JsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "js");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/js not found above {AppContext.BaseDirectory}");
    }
}
