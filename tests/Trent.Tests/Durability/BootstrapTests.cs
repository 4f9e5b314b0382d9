using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

public sealed class BootstrapTests
{
    [Fact]
    public async Task First_start_creates_an_administrator_key_in_a_private_credentials_file_and_only_once()
    {
        var data = TestTrent.NewDataDirectory();
        string output;
        using (var trent = await TrentProcess.StartAsync(data, adminFromEnvironment: false))
        {
            var file = Path.Combine(data, "credentials");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

            var store = new SharedCredentialsFile(file);
            Assert.True(store.TryGetProfile("trent", out var profile));
            Assert.Matches("^AKIA[A-Z2-7]{16}$", profile.Options.AccessKey);
            Assert.Equal(40, profile.Options.SecretKey.Length);

            using var kms = new AmazonKeyManagementServiceClient(
                new BasicAWSCredentials(profile.Options.AccessKey, profile.Options.SecretKey), TestTrent.Config(trent.Url));
            Assert.NotNull((await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata);
            output = trent.Output();
            Assert.Contains(profile.Options.AccessKey, output, StringComparison.Ordinal);
            Assert.Contains("AWS_SHARED_CREDENTIALS_FILE=", output, StringComparison.Ordinal);
            Assert.DoesNotContain(profile.Options.SecretKey, output, StringComparison.Ordinal);
        }

        var before = await File.ReadAllTextAsync(Path.Combine(data, "credentials"));
        using (var again = await TrentProcess.StartAsync(data, adminFromEnvironment: false))
        {
            Assert.DoesNotContain("Created the administrator access key", again.Output(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(data, "credentials")));
        TestTrent.TryDelete(data);
    }

    [Fact]
    public async Task Settings_come_from_a_config_file_environment_and_arguments_in_that_order()
    {
        var data = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(data);
        var config = Path.Combine(data, "..", Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(config, """{"Trent":{"Region":"ap-south-1","AccountId":"444455556666"}}""");
        using var trent = await TrentProcess.StartAsync(
            data,
            extraArgs: ["--config", config, "--account-id", "777788889999"],
            environment: new Dictionary<string, string> { ["TRENT_REGION"] = "eu-central-1", ["TRENT_ACCOUNT_ID"] = "000011112222" });

        var clientConfig = TestTrent.Config(trent.Url);
        clientConfig.AuthenticationRegion = "eu-central-1";
        using var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), clientConfig);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.StartsWith("arn:aws:kms:eu-central-1:777788889999:key/", key.Arn, StringComparison.Ordinal);
        File.Delete(config);
        trent.Kill();
        TestTrent.TryDelete(data);
    }

    [Fact]
    public async Task Unknown_commands_and_options_are_refused_with_one_line_pointing_at_the_help()
    {
        foreach (var args in new[] { new[] { "frobnicate" }, ["serve", "--no-such-option", "x"] })
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trent.dll"));
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(2, process.ExitCode);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("trent: ", line, StringComparison.Ordinal);
            Assert.Contains("--help'", line, StringComparison.Ordinal);
        }
    }
}
