using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Trent.Audit;

/// <summary>
/// One audit log file, written in place. A segment is created full of zeros and synced before it is used,
/// so appending a batch changes neither the file size nor its block map: making the batch durable is a
/// data-only sync (fdatasync), with no file-system journal commit. The content of a segment ends at its
/// first NUL byte; closing a segment truncates it there, and recovery after a crash does the same.
/// </summary>
internal sealed partial class AuditSegment : IDisposable
{
    private const int ZeroChunk = 1 << 20;
    private const string LibC = "libc.so.6";
    private readonly FileStream _stream;

    private AuditSegment(FileStream stream, string path, long capacity)
    {
        _stream = stream;
        Path = path;
        Capacity = capacity;
    }

    public string Path { get; private set; }

    public long Capacity { get; }

    public long Length { get; private set; }

    public long Remaining => Capacity - Length;

    /// <summary>The rotation period this segment holds records of (see <see cref="FileAuditLog"/>).</summary>
    public long Period { get; private set; }

    /// <summary>Creates a zero-filled file of <paramref name="capacity"/> bytes, synced, under a temporary name.</summary>
    public static AuditSegment Prepare(string temporaryPath, long capacity)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Trent.Crypto.PrivateFiles.FileMode;
        }

        var stream = new FileStream(temporaryPath, options);
        try
        {
            var zeros = new byte[ZeroChunk];
            for (long offset = 0; offset < capacity; offset += ZeroChunk)
            {
                RandomAccess.Write(stream.SafeFileHandle, zeros.AsSpan(0, (int)Math.Min(ZeroChunk, capacity - offset)), offset);
            }

            stream.Flush(flushToDisk: true);
            return new AuditSegment(stream, temporaryPath, capacity);
        }
        catch
        {
            stream.Dispose();
            File.Delete(temporaryPath);
            throw;
        }
    }

    /// <summary>Gives the prepared file its final name, durably, and starts using it for <paramref name="period"/>.</summary>
    public void Activate(string path, long period)
    {
        File.Move(Path, path);
        Files.FileSync.SyncDirectory(System.IO.Path.GetDirectoryName(path)!);
        Path = path;
        Period = period;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        RandomAccess.Write(_stream.SafeFileHandle, data, Length);
        Length += data.Length;
    }

    private static bool s_dataSyncUnavailable;

    /// <summary>Makes everything written so far durable (fdatasync where the C library offers it, else fsync).</summary>
    public void Sync()
    {
        if (OperatingSystem.IsLinux() && !s_dataSyncUnavailable)
        {
            try
            {
                if (FDataSync(_stream.SafeFileHandle) != 0)
                {
                    throw new IOException($"fdatasync of {Path} failed with errno {Marshal.GetLastPInvokeError()}.");
                }

                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc: fall back to a full fsync, which is just as durable.
                s_dataSyncUnavailable = true;
            }
        }

        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Cuts the zero tail off and syncs, leaving a plain JSON-lines file.</summary>
    public void Close()
    {
        _stream.SetLength(Length);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }

    /// <summary>Removes the file (a prepared segment that was never used).</summary>
    public void Discard()
    {
        _stream.Dispose();
        File.Delete(Path);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// After a crash: cut a segment's zero tail and any torn last line (a batch that was never acknowledged,
    /// as its sync did not complete). Returns the content length kept.
    /// </summary>
    public static long Recover(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        var length = stream.Length;
        if (length == 0)
        {
            return 0;
        }

        var last = new byte[1];
        RandomAccess.Read(stream.SafeFileHandle, last, length - 1);
        if (last[0] == (byte)'\n')
        {
            return length;
        }

        // Find the last newline before the first NUL: everything after it was never acknowledged.
        var buffer = new byte[64 * 1024];
        long keep = 0;
        for (long offset = 0; offset < length; offset += buffer.Length)
        {
            var read = RandomAccess.Read(stream.SafeFileHandle, buffer, offset);
            var chunk = buffer.AsSpan(0, read);
            var nul = chunk.IndexOf((byte)0);
            var scan = nul >= 0 ? chunk[..nul] : chunk;
            var newline = scan.LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                keep = offset + newline + 1;
            }

            if (nul >= 0)
            {
                break;
            }
        }

        stream.SetLength(keep);
        stream.Flush(flushToDisk: true);
        return keep;
    }

    [LibraryImport(LibC, EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(SafeFileHandle handle);
}
