namespace AptOstree;

/// <summary>The report a <see cref="ProgressMonitor"/> raises <see cref="ProgressMonitor.ProgressChanged"/> for.</summary>
public sealed class OperationProgressEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public OperationProgressEventArgs(OperationProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        Progress = progress;
    }

    /// <summary>The report.</summary>
    public OperationProgress Progress { get; }
}
