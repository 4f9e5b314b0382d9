using Trent.Crypto;

namespace Trent.Server;

/// <summary>
/// One process per data directory: an exclusive OS lock on <c>DATA/.lock</c> (FileShare.None, which .NET maps
/// to flock(LOCK_EX|LOCK_NB) on Linux), held for the process's life and dropped by the kernel if it dies, so a
/// crash never leaves a stale lock. A second server or writing verb would otherwise run crash recovery over the
/// live server's files. Who holds the lock is written beside it (<c>.lock.holder</c>), because the lock file
/// itself cannot be opened by another process while it is held.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string LockFileName = ".lock";
    public const string HolderFileName = ".lock.holder";
    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or throws <see cref="DataDirectoryLockedException"/> naming the holder.</summary>
    public static DataDirectoryLock Acquire(string dataDirectory, string nodeName, string command)
    {
        var path = Path.Combine(dataDirectory, LockFileName);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFiles.FileMode;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new DataDirectoryLockedException(dataDirectory, ReadHolder(dataDirectory), e);
        }

        try
        {
            var holder = $"pid {Environment.ProcessId} on node {nodeName} ({command})";
            Audit.Files.FileSync.WriteAtomically(Path.Combine(dataDirectory, HolderFileName), s => s.Write(System.Text.Encoding.UTF8.GetBytes(holder + "\n")));
            return new DataDirectoryLock(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Closing the file releases the lock; the holder file stays (read only when the lock is taken).</summary>
    public void Dispose() => _stream.Dispose();

    private static string ReadHolder(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dataDirectory, HolderFileName)).Trim();
            // One line, whatever the file holds.
            return text.Length == 0 || text.Contains('\n', StringComparison.Ordinal) ? "an unknown process" : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "an unknown process";
        }
    }
}

/// <summary>The data directory is held by another live process.</summary>
public sealed class DataDirectoryLockedException(string dataDirectory, string holder, Exception inner)
    : Exception($"The data directory {dataDirectory} is in use by {holder}; stop it first, or use another data directory.", inner)
{
    public string Holder { get; } = holder;
}
