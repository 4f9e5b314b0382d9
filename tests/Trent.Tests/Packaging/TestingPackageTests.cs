using System.Diagnostics;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Packaging;

/// <summary>
/// The Trent.Testing package as a user gets it: the libraries packed into a local feed (with a version of this
/// run's own, so that no cached copy stands in), then samples/Trent.Testing.Sample, copied out of the
/// repository, restored from that feed and tested. Runs once per suite (the package does not depend on the
/// Region of the run: scripts/test's second run leaves the Package category out).
/// </summary>
[Trait("Category", "Package")]
public sealed class TestingPackageTests
{
    [Fact]
    public async Task The_sample_project_tests_pass_on_the_package_from_a_local_feed()
    {
        var root = RepositoryRoot();
        var feed = TestDirectories.New("feed-");
        var sample = TestDirectories.New("sample-");
        var suffix = "test." + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await RunAsync(root, "dotnet", "pack", "Trent.slnx", "-c", "Release", "-o", feed, $"-p:VersionSuffix={suffix}");
            Assert.Contains(Directory.GetFiles(feed), f => Path.GetFileName(f) == $"Trent.Testing.0.1.0-{suffix}.nupkg");

            Copy(Path.Combine(root, "samples"), sample);
            var output = await RunAsync(
                Path.Combine(sample, "Trent.Testing.Sample"), "dotnet", "test",
                $"-p:TrentTestingVersion=0.1.0-{suffix}", $"-p:RestoreAdditionalProjectSources={feed}");
            Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+[1-9]", output);
        }
        finally
        {
            // The packages of this run only: the NuGet cache keeps every version it restored.
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var package in Directory.Exists(cache) ? Directory.GetDirectories(cache, "trent.*") : [])
            {
                TestTrent.TryDelete(Path.Combine(package, $"0.1.0-{suffix}"));
            }
        }
    }

    private static async Task<string> RunAsync(string directory, string file, params string[] arguments)
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

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}\n{output}\n{await stderr}");
        return output;
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

    private static string RepositoryRoot()
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
