namespace AptOstree;

/// <summary>
/// An <see cref="IProgress{T}"/> for callers that cannot run code on the threads reports come from: PowerShell (a
/// scriptblock invoked on a thread-pool thread ends the session with "There is no Runspace available"), UI code.
/// Reports may arrive on any thread; the monitor keeps the latest one for polling (<see cref="Current"/>), counts them,
/// and raises <see cref="ProgressChanged"/> on the <see cref="SynchronizationContext"/> current when it was created
/// (a UI thread), or, when there was none, on the reporting thread, where PowerShell's <c>Register-ObjectEvent</c>
/// queues the event into the session.
/// </summary>
/// <example>
/// <code language="powershell">
/// $monitor = [AptOstree.ProgressMonitor]::new()
/// $task = $repo.PullLocalAsync($source, 'os/main', [AptOstree.OSTree.PullOptions]@{ Progress = $monitor }, [Threading.CancellationToken]::None)
/// while (-not $task.Wait(200)) { if ($p = $monitor.Current) { Write-Progress -Activity $p.Operation -Status "$($p.Completed) $($p.Unit)" } }
/// </code>
/// </example>
public sealed class ProgressMonitor : IProgress<OperationProgress>
{
    private readonly SynchronizationContext? _context;
    private OperationProgress? _current;
    private long _reportCount;

    /// <summary>Creates a monitor that raises <see cref="ProgressChanged"/> on the current synchronization context, if any.</summary>
    public ProgressMonitor()
        : this(SynchronizationContext.Current)
    {
    }

    /// <summary>Creates a monitor that raises <see cref="ProgressChanged"/> on <paramref name="context"/> (null: on the reporting thread).</summary>
    public ProgressMonitor(SynchronizationContext? context) => _context = context;

    /// <summary>Raised for every report; see the type's remarks for the thread it is raised on.</summary>
    public event EventHandler<OperationProgressEventArgs>? ProgressChanged;

    /// <summary>The latest report, or null before the first; safe to read from any thread while the operation runs.</summary>
    public OperationProgress? Current => Volatile.Read(ref _current);

    /// <summary>How many reports have arrived.</summary>
    public long ReportCount => Interlocked.Read(ref _reportCount);

    /// <inheritdoc />
    public void Report(OperationProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Volatile.Write(ref _current, value);
        Interlocked.Increment(ref _reportCount);
        if (ProgressChanged is null)
        {
            return;
        }

        var args = new OperationProgressEventArgs(value);
        if (_context is null)
        {
            ProgressChanged?.Invoke(this, args);
        }
        else
        {
            _context.Post(state => ProgressChanged?.Invoke(this, (OperationProgressEventArgs)state!), args);
        }
    }
}
