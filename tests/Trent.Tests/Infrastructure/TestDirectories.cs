namespace Trent.Tests.Infrastructure;

/// <summary>
/// Every directory a test creates lives under one root for the test run, removed when the run ends (data
/// directories hold root keys and credentials: none may outlive the run). A run that was killed leaves its
/// root behind; the next run removes the roots of processes that are gone.
/// </summary>
public static class TestDirectories
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "trent-tests");

    public static string Root { get; } = CreateRoot();

    /// <summary>A fresh path under the run's root (not created: tests decide whether it exists).</summary>
    public static string New(string prefix = "") => Path.Combine(Root, prefix + Guid.NewGuid().ToString("N"));

    private static string CreateRoot()
    {
        RemoveRootsOfEndedRuns();
        var root = Path.Combine(Base, $"run-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    /// <summary>Removes the run's root (at the end of the run: see <see cref="CleanupTestFramework"/>).</summary>
    public static void RemoveRoot() => TryDelete(Root);

    private static void RemoveRootsOfEndedRuns()
    {
        if (!Directory.Exists(Base))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(Base, "run-*"))
        {
            if (int.TryParse(Path.GetFileName(directory)["run-".Length..], out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                TryDelete(directory);
            }
        }
    }

    /// <summary>Removes a directory a test made, if it can (a mount or an open file may keep it).</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A mount still in place or a file still open: the next run tries again.
        }
    }
}
