namespace Trent.Crypto;

/// <summary>
/// Owner-only modes for everything Trent creates (0600 files, 0700 directories), set explicitly so that
/// neither the umask nor a pre-existing, more open data directory decides who can read sealed material,
/// the database or the audit trail.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the directory (and missing parents) owner-only; an existing one keeps its mode.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }

    /// <summary>
    /// Makes <paramref name="path"/> exist as an owner-only file (created empty if missing), and narrows
    /// it if it exists. For files another library creates with its own default mode, such as SQLite's
    /// database (whose -wal and -shm files copy the database's mode).
    /// </summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = System.IO.FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = FileMode,
                });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created meanwhile by another process: narrowed below.
            }
        }

        Narrow(path);
    }

    /// <summary>Sets an existing file owner-only (no-op when it does not exist).</summary>
    public static void Narrow(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != FileMode)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>A SQLite database and its write-ahead log and shared-memory files.</summary>
    public static void EnsureDatabase(string path)
    {
        Ensure(path);
        Narrow(path + "-wal");
        Narrow(path + "-shm");
        Narrow(path + "-journal");
    }
}
