using System.Runtime.InteropServices;

namespace Trent.Audit.Files;

/// <summary>Makes renames and whole files durable: the pieces of "write a temporary file, sync, rename, sync the directory".</summary>
public static partial class FileSync
{
    private const string LibC = "libc.so.6";

    /// <summary>Writes <paramref name="path"/> so that after a crash it holds either nothing or all of its content.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = TemporaryPathFor(path);
        try
        {
            using (var stream = CreatePrivate(temporary))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            SyncDirectory(Path.GetDirectoryName(path)!);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>A temporary name beside <paramref name="path"/>, hidden (dot) and never matched by a log file pattern.</summary>
    public static string TemporaryPathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");

    /// <summary>A new file readable by its owner only: audit data is not for other local users.</summary>
    public static FileStream CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Trent.Crypto.PrivateFiles.FileMode;
        }

        return new FileStream(path, options);
    }

    /// <summary>Makes a rename or removal in <paramref name="directory"/> durable.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY
        try
        {
            var fd = Open(directory, ReadOnlyDirectory);
            if (fd >= 0)
            {
                _ = FSync(fd);
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the rename is still made durable by the next journal commit.
        }
    }

    [LibraryImport(LibC, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
