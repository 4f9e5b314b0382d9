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
    private volatile bool _logAppendsFail;

    public bool DiskFull
    {
        get => _diskFull;
        set => _diskFull = value;
    }

    /// <summary>Only appending records to the log fails (the journal and file preparation still work): the moment a
    /// request's intent is durable and its effect committed, but its own record cannot be written.</summary>
    public bool LogAppendsFail
    {
        get => _logAppendsFail;
        set => _logAppendsFail = value;
    }

    internal void ThrowIfInjected(bool logAppend = false)
    {
        if (_diskFull || (logAppend && _logAppendsFail))
        {
            throw new IOException("No space left on device (injected)", NoSpaceLeftOnDevice);
        }
    }
}
