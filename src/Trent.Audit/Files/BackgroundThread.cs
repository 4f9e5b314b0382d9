using System.Runtime.InteropServices;

namespace Trent.Audit.Files;

/// <summary>
/// A thread for background audit work (sealing, indexing) that runs at a low CPU priority (nice 10), so
/// that on a busy machine requests get the CPU first and the background work uses what is left.
/// </summary>
public static partial class BackgroundThread
{
    private const string LibC = "libc.so.6";
    private const int ProcessPriority = 0; // PRIO_PROCESS: with a thread ID, Linux applies it to that thread only
    private const int Niceness = 10; // a tenth of the weight of request threads when the CPU is contended

    /// <summary>Runs <paramref name="body"/> on a new low-priority thread; the task completes when it returns.</summary>
    public static Task Start(string name, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerPriority();
            try
            {
                body();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private static void LowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = SetPriority(ProcessPriority, GetThreadId(), Niceness);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the work still runs, at normal priority.
        }
    }

    [LibraryImport(LibC, EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport(LibC, EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
