using System.Diagnostics;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Packaging;

/// <summary>
/// Trent as a user installs it: the packages packed into a local feed once (<see cref="PackedFeed"/>), then the
/// Trent.Testing sample restored from it and tested, the <c>trent</c> .NET tool installed from it, and the
/// self-contained single-file binary from <c>scripts/publish</c>; each install runs <c>--help</c> and a real
/// <c>serve --dev</c> answering a signed KMS call. One class, so that its builds (all Release) never run at once.
/// Runs once per suite (nothing here depends on the Region of the run: scripts/test's second run leaves the
/// Package category out).
/// </summary>
[Trait("Category", "Package")]
public sealed class PackageTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    [Fact]
    public async Task The_sample_project_tests_pass_on_the_package_from_a_local_feed()
    {
        Assert.Contains(Directory.GetFiles(feed.Directory), f => Path.GetFileName(f) == $"Trent.Testing.{feed.Version}.nupkg");
        var sample = TestDirectories.New("sample-");
        Copy(Path.Combine(PackedFeed.RepositoryRoot, "samples"), sample);
        var output = await PackedFeed.RunAsync(
            Path.Combine(sample, "Trent.Testing.Sample"), "dotnet", "test",
            $"-p:TrentTestingVersion={feed.Version}", $"-p:RestoreAdditionalProjectSources={feed.Directory}");
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+[1-9]", output);
    }

    [Fact]
    public async Task The_dotnet_tool_installs_from_the_feed_and_serves()
    {
        Assert.Contains(Directory.GetFiles(feed.Directory), f => Path.GetFileName(f) == $"trent.{feed.Version}.nupkg");
        var tools = TestDirectories.New("tools-");
        await PackedFeed.RunAsync(
            PackedFeed.RepositoryRoot, "dotnet", "tool", "install", "--tool-path", tools, "--add-source", feed.Directory, "trent", "--version", feed.Version);
        await SmokeAsync(Path.Combine(tools, "trent"));
    }

    [Fact]
    public async Task The_self_contained_single_file_binary_from_scripts_publish_serves()
    {
        var output = TestDirectories.New("publish-");
        await PackedFeed.RunAsync(
            PackedFeed.RepositoryRoot, Path.Combine(PackedFeed.RepositoryRoot, "scripts", "publish"), new Dictionary<string, string> { ["TRENT_PUBLISH_DIR"] = output }, "linux-x64");
        var binary = Path.Combine(output, "linux-x64", "trent");
        // One file: no trent.dll, no runtime beside it.
        Assert.Equal(["trent"], Directory.GetFiles(Path.Combine(output, "linux-x64")).Select(Path.GetFileName));
        await SmokeAsync(binary);
    }

    /// <summary><c>--help</c>, then <c>serve --dev</c> answering one signed KMS call through the AWS SDK, then a clean stop.</summary>
    private static async Task SmokeAsync(string trent)
    {
        var help = await PackedFeed.RunAsync(PackedFeed.RepositoryRoot, trent, "--help");
        Assert.Contains("serve", help, StringComparison.Ordinal);

        using var server = await TrentProcess.StartDevelopmentAsync(trent);
        using (var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("test", "test"), TestTrent.Config(server.Url)))
        {
            var key = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "smoke" });
            Assert.Equal(KeyState.Enabled, key.KeyMetadata.KeyState);
        }

        Assert.Equal(0, await server.StopAsync());
        Assert.DoesNotContain("Exception", server.Output(), StringComparison.Ordinal);
    }

    private static void Copy(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, directory);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.Combine(to, relative));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }
}

/// <summary>
/// Every package of the solution (<c>Trent.Testing</c>, the libraries it is made of, the <c>trent</c> tool) packed
/// once into a feed of this run, with a version of the run's own so that no cached copy stands in; the NuGet cache's
/// copies of that version are removed afterwards.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private readonly string _suffix = "test." + Guid.NewGuid().ToString("N")[..12];

    public string Directory { get; } = TestDirectories.New("feed-");

    public string Version => $"0.1.0-{_suffix}";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task InitializeAsync() =>
        await RunAsync(RepositoryRoot, "dotnet", "pack", "Trent.slnx", "-c", "Release", "-o", Directory, $"-p:VersionSuffix={_suffix}");

    public Task DisposeAsync()
    {
        // The packages of this run only: the NuGet cache keeps every version it restored.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in System.IO.Directory.Exists(cache) ? System.IO.Directory.GetDirectories(cache, "trent*") : [])
        {
            TestTrent.TryDelete(Path.Combine(package, Version));
        }

        return Task.CompletedTask;
    }

    public static Task<string> RunAsync(string directory, string file, params string[] arguments) =>
        RunAsync(directory, file, new Dictionary<string, string>(), arguments);

    /// <summary>Runs a command to its end (10 minutes at most); its standard output, or a failed assertion with all it printed.</summary>
    public static async Task<string> RunAsync(string directory, string file, IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}\n{output}\n{await stderr}");
        return output;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Trent.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"the repository root is not above {AppContext.BaseDirectory}");
    }
}
