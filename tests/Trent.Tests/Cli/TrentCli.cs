using System.Diagnostics;
using System.Security.Cryptography;

namespace Trent.Tests.Cli;

/// <summary>The built <c>trent.dll</c> run as a process, as a user runs it; its output and exit code.</summary>
internal static class TrentCli
{
    public sealed record Result(int Exit, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override string ToString() => $"exit {Exit}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <param name="unprivileged">Run without the capabilities that let root ignore file modes (CAP_DAC_OVERRIDE,
    /// CAP_DAC_READ_SEARCH, CAP_FOWNER), so that an unreadable or read-only path is refused as it is for any user.</param>
    public static async Task<Result> RunAsync(
        IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string>? environment = null, bool unprivileged = false)
    {
        var start = new ProcessStartInfo(unprivileged && Environment.UserName == "root" ? "setpriv" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (start.FileName == "setpriv")
        {
            foreach (var arg in new[] { "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", "dotnet" })
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trent.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The user's own settings must not leak into what a test expects.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>().Where(n => n.StartsWith("TRENT_", StringComparison.Ordinal)))
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>A new empty directory for one test (removed by <see cref="Delete"/>).</summary>
    public static string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "trent-tests", "cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        // Tests take permissions away; give them back so the directory can go.
        foreach (var directory in Directory.GetDirectories(path, "*", SearchOption.AllDirectories).Prepend(path))
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(path, recursive: true);
    }

    /// <summary>Every entry under <paramref name="path"/> with its mode and content hash, to show that nothing changed.</summary>
    public static string Snapshot(string path)
    {
        if (!Directory.Exists(path))
        {
            return File.Exists(path) ? $"file {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}" : "absent";
        }

        var lines = new List<string> { $". {File.GetUnixFileMode(path)}" };
        foreach (var entry in Directory.GetFileSystemEntries(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(path, entry);
            lines.Add(Directory.Exists(entry)
                ? $"{name}/ {File.GetUnixFileMode(entry)}"
                : $"{name} {File.GetUnixFileMode(entry)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)))}");
        }

        return string.Join('\n', lines);
    }

    /// <summary>One line on stderr starting "trent:", no stack frame anywhere, nothing on stdout.</summary>
    public static void AssertOneLineFailure(Result result, int? exit = null)
    {
        Assert.True(result.Exit != 0, result.ToString());
        if (exit is not null)
        {
            Assert.True(result.Exit == exit, result.ToString());
        }

        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("trent:", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stdout.Length == 0, result.ToString());
    }
}
