using System.Globalization;
using System.Text;

namespace AptOstree.Cli.Progress;

/// <summary>
/// Shows the SDK's <see cref="OperationProgress"/> reports on stderr, for any verb that runs long work: on a terminal a
/// status line redrawn in place (a bar when the total is known), on a file or pipe a plain line now and then (never a
/// carriage return), and when the work is done one summary line, as ostree prints after a pull. Reports may arrive on
/// any thread. Usage: pass the instance as the operation's <see cref="IProgress{T}"/>, then call <see cref="Complete"/>
/// (with <see cref="Summary"/> or a line of the verb's own).
/// </summary>
internal sealed class ConsoleProgress : IProgress<OperationProgress>
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    // Quick work (most test runs) prints nothing but its summary to a file; long work leaves a line every few seconds in a log.
    private static readonly TimeSpan PlainFirstLine = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly int _width;
    private readonly TimeProvider _time;
    private readonly long _started;
    private OperationProgress? _last;
    private long _lastDrawn = long.MinValue;
    private int _drawnLength;

    /// <summary>Renders onto <paramref name="writer"/>; <paramref name="interactive"/> is true for a terminal (lines redrawn with '\r').</summary>
    public ConsoleProgress(TextWriter writer, bool interactive, int width = 80, TimeProvider? time = null)
    {
        _writer = writer;
        _interactive = interactive;
        _width = Math.Max(20, width);
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    /// <summary>Renders onto stderr, redrawing in place when stderr is a terminal.</summary>
    public static ConsoleProgress ForStandardError()
    {
        bool terminal = !Console.IsErrorRedirected;
        return new ConsoleProgress(Console.Error, terminal, terminal ? SafeWindowWidth() : 80);
    }

    /// <summary>The latest report, or null when none arrived.</summary>
    public OperationProgress? Last
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    /// <summary>Time since the renderer was created (the operation's duration once it completes).</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <inheritdoc />
    public void Report(OperationProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            bool newOperation = _last is null || _last.Operation != value.Operation;
            _last = value;
            long now = _time.GetTimestamp();
            var sinceStart = _time.GetElapsedTime(_started, now);
            var sinceDrawn = _lastDrawn == long.MinValue ? TimeSpan.MaxValue : _time.GetElapsedTime(_lastDrawn, now);
            if (_interactive)
            {
                if (newOperation || sinceDrawn >= RedrawInterval || value.Completed == value.Total)
                {
                    Redraw(Describe(value, interactive: true));
                    _lastDrawn = now;
                }
            }
            else if (sinceStart >= PlainFirstLine && sinceDrawn >= PlainInterval)
            {
                _writer.WriteLine(Describe(value, interactive: false));
                _lastDrawn = now;
            }
        }
    }

    /// <summary>Clears the status line and prints <paramref name="summary"/> (when not null) as the operation's last line.</summary>
    public void Complete(string? summary)
    {
        lock (_lock)
        {
            if (_interactive && _drawnLength > 0)
            {
                _writer.Write('\r' + new string(' ', _drawnLength) + '\r');
                _drawnLength = 0;
            }

            if (summary is not null)
            {
                _writer.WriteLine(summary);
            }

            _writer.Flush();
        }
    }

    /// <summary>
    /// The summary line of the latest report, "Receiving objects: 1234 objects, done in 0.4 s." (sizes for bytes); without
    /// any report, a zero count of <paramref name="unit"/> for <paramref name="operation"/>.
    /// </summary>
    public string Summary(string operation, ProgressUnit unit)
    {
        var last = Last ?? new OperationProgress(operation, 0, null, unit);

        var seconds = Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        string amount = last.Unit == ProgressUnit.Bytes ? FormatSize(last.Completed) : Count(last.Completed, last.Unit);
        return $"{Title(last.Operation)}: {amount}, done in {seconds} s.";
    }

    /// <summary>
    /// The summary line of work that wrote <paramref name="objects"/> objects, "Writing objects: 12, 3.4 MB, done in 0.4 s.",
    /// with the bytes of the latest report when it counted bytes.
    /// </summary>
    public string ObjectsSummary(string operation, long objects)
    {
        var last = Last;
        var seconds = Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        string bytes = last is { Unit: ProgressUnit.Bytes } ? ", " + FormatSize(last.Completed) : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{Title(operation)}: {objects}{bytes}, done in {seconds} s.");
    }

    /// <summary>
    /// What ostree's console progress shows, "Receiving objects: 45% (45/100)" or "Writing objects: 45", with sizes for
    /// bytes; on a terminal also a bar and the current item.
    /// </summary>
    internal static string Describe(OperationProgress p, bool interactive)
    {
        const int BarWidth = 20;
        var sb = new StringBuilder(Title(p.Operation)).Append(": ");
        if (p.Fraction is double fraction)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{(int)(fraction * 100),3}% ");
            if (interactive)
            {
                int filled = (int)(fraction * BarWidth);
                sb.Append('[').Append('#', filled).Append(' ', BarWidth - filled).Append("] ");
            }

            sb.Append(p.Unit == ProgressUnit.Bytes
                ? $"({FormatSize(p.Completed)}/{FormatSize(p.Total!.Value)})"
                : string.Create(CultureInfo.InvariantCulture, $"({p.Completed}/{p.Total})"));
        }
        else
        {
            sb.Append(p.Unit == ProgressUnit.Bytes ? FormatSize(p.Completed) : Count(p.Completed, p.Unit));
        }

        if (interactive && p.CurrentItem is { Length: > 0 } item)
        {
            sb.Append(' ').Append(item);
        }

        return sb.ToString();
    }

    /// <summary>GLib's g_format_size, which ostree prints: decimal units, one decimal, a no-break space before the unit, "bytes" below 1 kB.</summary>
    internal static string FormatSize(long bytes)
    {
        if (bytes < 1000)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
        }

        string[] units = ["kB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0}\u00a0{units[unit]}");
    }

    private static string Title(string operation) => operation switch
    {
        "pull" => "Receiving objects",
        "commit" => "Writing objects",
        "checkout" => "Checking out",
        "download" => "Downloading",
        "update" => "Fetching indexes",
        "extract" => "Extracting",
        "fsck" => "Checking objects",
        _ => operation.Length > 0 ? char.ToUpperInvariant(operation[0]) + operation[1..] : operation,
    };

    private static string Count(long n, ProgressUnit unit) => string.Create(CultureInfo.InvariantCulture, $"{n} {unit switch
    {
        ProgressUnit.Files => n == 1 ? "file" : "files",
        ProgressUnit.Objects => n == 1 ? "object" : "objects",
        ProgressUnit.Packages => n == 1 ? "package" : "packages",
        ProgressUnit.Steps => n == 1 ? "step" : "steps",
        _ => "bytes",
    }}");

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private void Redraw(string text)
    {
        // One line, never wrapping: a wrapped line cannot be redrawn with '\r'.
        if (text.Length > _width - 1)
        {
            text = text[..(_width - 2)] + "…";
        }

        int pad = Math.Max(0, _drawnLength - text.Length);
        _writer.Write('\r' + text + new string(' ', pad));
        _writer.Flush();
        _drawnLength = text.Length;
    }
}
