using System.Diagnostics;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Cli;

/// <summary>A second, independent client: the AWS CLI (botocore's SigV4 and JSON) runs the scripts in tests/cli, and
/// boto3 its Python script (<c>.py</c>, run by python3). One class per script, so that xunit runs them in parallel
/// (each on its own server). The endpoint is both TRENT_ENDPOINT (the shell scripts pass it) and AWS_ENDPOINT_URL
/// (boto3 takes it from there, with no endpoint in the code).</summary>
public abstract class AwsCliScript(string script, string success)
{
    [Fact]
    public async Task The_AWS_CLI_runs_the_script()
    {
        await using var trent = await TestTrent.StartAsync();
        var start = new ProcessStartInfo(script.EndsWith(".py", StringComparison.Ordinal) ? "python3" : "bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cli", script));
        start.Environment["TRENT_ENDPOINT"] = trent.Url;
        start.Environment["AWS_ENDPOINT_URL"] = trent.Url;
        start.Environment["AWS_ACCESS_KEY_ID"] = TestTrent.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = TestTrent.SecretAccessKey;
        start.Environment["AWS_DEFAULT_REGION"] = TestTrent.Region;
        start.Environment["AWS_REGION"] = TestTrent.Region;
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = string.Empty;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"{script} exited {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains(success, await stdout, StringComparison.Ordinal);
    }
}

public sealed class AwsCliSmokeScript() : AwsCliScript("smoke.sh", "cli smoke: ok");

public sealed class AwsCliByokScript() : AwsCliScript("byok.sh", "cli byok: ok");

public sealed class AwsCliAsymmetricScript() : AwsCliScript("asymmetric.sh", "cli asymmetric: ok");

public sealed class AwsCliIamScript() : AwsCliScript("iam.sh", "cli iam: ok");

public sealed class AwsCliAuditScript() : AwsCliScript("audit.sh", "cli audit: ok");

public sealed class AwsCliRegionsScript() : AwsCliScript("regions.sh", "cli regions: ok");

public sealed class Boto3Script() : AwsCliScript("boto3_kms.py", "boto3: ok");
