namespace Trent.Server.Startup;

/// <summary>
/// What the data directory is before a start touches it, so that problems are named before anything is created,
/// and a start that fails later can undo what it made: a directory that did not exist (or was empty) is put back
/// as it was. A directory that already held state is never rolled back: its recovery and records are real work.
/// </summary>
internal sealed class DataDirectoryCheck
{
    private readonly string? _createdRoot;
    private readonly string _directory;
    private readonly string? _createdRootKey;

    private DataDirectoryCheck(string directory, bool fresh, string? createdRoot, string? createdRootKey)
    {
        _directory = directory;
        Fresh = fresh;
        _createdRoot = createdRoot;
        _createdRootKey = createdRootKey;
    }

    /// <summary>Nothing of Trent's was there before this start.</summary>
    public bool Fresh { get; }

    public static DataDirectoryCheck Run(TrentServerOptions options)
    {
        var directory = options.DataDirectory;
        if (File.Exists(directory))
        {
            throw Refused($"--data: {directory} is a file, not a directory.");
        }

        string? createdRoot = null;
        bool fresh;
        if (Directory.Exists(directory))
        {
            try
            {
                fresh = !Directory.EnumerateFileSystemEntries(directory).Any();
            }
            catch (UnauthorizedAccessException e)
            {
                throw Refused($"--data: cannot read the data directory {directory}: permission denied.", e);
            }

            CheckWritable(options.DatabasePath, "the database");
            CheckWritable(options.AuditIndexPath, "the audit index");
        }
        else
        {
            fresh = true;
            createdRoot = directory;
            for (var parent = Path.GetDirectoryName(directory); parent is not null; parent = Path.GetDirectoryName(parent))
            {
                if (File.Exists(parent))
                {
                    throw Refused($"--data: {parent} is a file, so {directory} cannot be created.");
                }

                if (Directory.Exists(parent))
                {
                    break;
                }

                createdRoot = parent;
            }
        }

        var createdRootKey = fresh && !File.Exists(options.RootKeyPath) ? options.RootKeyPath : null;
        if (!fresh)
        {
            CheckReadable(options.RootKeyPath, "the root key");
        }

        return new DataDirectoryCheck(directory, fresh, createdRoot, createdRootKey);
    }

    /// <summary>The start failed: remove what it created, if nothing was there before.</summary>
    public void RollBack()
    {
        if (!Fresh)
        {
            return;
        }

        try
        {
            if (_createdRootKey is not null && File.Exists(_createdRootKey))
            {
                File.Delete(_createdRootKey);
            }

            if (_createdRoot is not null)
            {
                if (Directory.Exists(_createdRoot))
                {
                    Directory.Delete(_createdRoot, recursive: true);
                }
            }
            else if (Directory.Exists(_directory))
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(_directory))
                {
                    if (Directory.Exists(entry))
                    {
                        Directory.Delete(entry, recursive: true);
                    }
                    else
                    {
                        File.Delete(entry);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The start's own failure is the one to report; what could not be removed is left as it is.
        }
    }

    /// <summary>A failure to create or lock the directory itself, as one line.</summary>
    public StartupException CannotUse(Exception e) =>
        Refused($"--data: cannot use the data directory {_directory}: {e.Message}", e);

    /// <summary>A failure to open what the directory holds (root key, database, audit trail), as one line.</summary>
    public StartupException CannotOpen(Exception e) =>
        Refused($"cannot open the data directory {_directory}: {e.Message.ReplaceLineEndings(" ")}", e);

    private static void CheckWritable(string path, string what)
    {
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            // Opened and closed without a write: the file stays as it is.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw Refused($"--data: {what} {path} is not writable: {e.Message}", e);
        }
    }

    private static void CheckReadable(string path, string what)
    {
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw Refused($"--root-key: {what} {path} is not readable: {e.Message}", e);
        }
    }

    private static StartupException Refused(string message, Exception? inner = null) => new(message, StartupFailure.Environment, inner);
}
