using System.Diagnostics;
using System.Globalization;

namespace Trent.CommandLine;

/// <summary>
/// Progress of long work on stderr. On a terminal one line is redrawn in place (a few times a second at most);
/// when stderr is a file or a pipe (CI, a log), a plain line is written every <c>plainEvery</c> items (and at the
/// end of work that long), so the output stays short and greppable. Reports are synchronous: a line is never written after the work.
/// </summary>
internal sealed class ProgressLine : IProgress<long>, IProgress<int>, IDisposable
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(200);
    private readonly TextWriter _output;
    private readonly string _verb;
    private readonly string _unit;
    private readonly long _plainEvery;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private TimeSpan? _drawn;
    private long _lastPlain;
    private bool _open;

    public ProgressLine(string verb, string unit, long total, long plainEvery, TextWriter? output = null, bool? interactive = null)
    {
        _output = output ?? Console.Error;
        _verb = verb;
        _unit = unit;
        Total = total;
        _plainEvery = Math.Max(1, plainEvery);
        _interactive = interactive ?? IsTerminal;
    }

    /// <summary>How many there are in all (known to some work only once it has begun).</summary>
    public long Total { get; set; }

    /// <summary>stderr is a terminal that can redraw a line.</summary>
    public static bool IsTerminal =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    public void Report(long value)
    {
        lock (_lock)
        {
            if (_interactive)
            {
                if (value < Total && _clock.Elapsed - _drawn < RedrawInterval)
                {
                    return;
                }

                _drawn = _clock.Elapsed;
                var percent = Total > 0 ? value * 100 / Total : 100;
                _output.Write(string.Create(CultureInfo.InvariantCulture, $"\r\u001b[2K{_verb} {value:N0} of {Total:N0} {_unit} ({percent}%, {_clock.Elapsed.TotalSeconds:F0} s)"));
                _output.Flush();
                _open = true;
            }
            else if (value / _plainEvery > _lastPlain / _plainEvery || (value == Total && _lastPlain != Total && Total >= _plainEvery))
            {
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_verb} {value} of {Total} {_unit}"));
                _lastPlain = value;
            }
        }
    }

    public void Report(int value) => Report((long)value);

    /// <summary>Ends the redrawn line, so that what follows starts on a line of its own.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_open)
            {
                _output.WriteLine();
                _open = false;
            }
        }
    }
}
