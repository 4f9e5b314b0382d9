namespace Trent.Audit;

/// <summary>
/// A fault-injection seam for tests: while <see cref="DiskFull"/> is set, every write of the audit log and of
/// the intent journal (preparing a file, appending to one) fails as it does on a full disk (ENOSPC), so that
/// recovery is tested where no small file system can be mounted. Off unless a test sets it.
/// </summary>
public sealed class AuditWriteFaults
{
    private const int NoSpaceLeftOnDevice = 28; // ENOSPC on Linux
    private volatile bool _diskFull;

    public bool DiskFull
    {
        get => _diskFull;
        set => _diskFull = value;
    }

    internal void ThrowIfInjected()
    {
        if (_diskFull)
        {
            throw new IOException("No space left on device (injected)", NoSpaceLeftOnDevice);
        }
    }
}
