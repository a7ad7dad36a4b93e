namespace AptOstree.Core.Tests.Progress;

/// <summary>ProgressMonitor: the latest report for polling, and events on the creator's synchronization context.</summary>
public class ProgressMonitorTests
{
    [Fact]
    public void Report_FromManyThreads_CountsEveryReportAndKeepsOneOfThem()
    {
        var monitor = new ProgressMonitor(context: null);
        Assert.Null(monitor.Current);
        Parallel.For(0, 1000, i => monitor.Report(new OperationProgress("pull", i, 1000, ProgressUnit.Objects)));
        Assert.Equal(1000, monitor.ReportCount);
        Assert.Equal("pull", monitor.Current!.Operation);
    }

    [Fact]
    public async Task ProgressChanged_WithAContext_IsPostedToIt()
    {
        var context = new QueueContext();
        var monitor = new ProgressMonitor(context);
        var seen = new List<long>();
        monitor.ProgressChanged += (sender, e) =>
        {
            Assert.Same(monitor, sender);
            seen.Add(e.Progress.Completed);
        };
        await Task.Run(() =>
        {
            monitor.Report(new OperationProgress("extract", 1, 2, ProgressUnit.Bytes));
            monitor.Report(new OperationProgress("extract", 2, 2, ProgressUnit.Bytes));
        });

        Assert.Empty(seen);                 // nothing ran on the reporting thread
        Assert.Equal(2, context.Posted.Count);
        foreach (var (callback, state) in context.Posted)
        {
            callback(state);
        }

        Assert.Equal([1L, 2L], seen);
    }

    [Fact]
    public async Task ProgressChanged_WithoutAContext_IsRaisedOnTheReportingThread()
    {
        var monitor = new ProgressMonitor(context: null);
        int? raisedOn = null;
        monitor.ProgressChanged += (_, _) => raisedOn = Environment.CurrentManagedThreadId;
        int reportingThread = await Task.Run(() =>
        {
            monitor.Report(new OperationProgress("commit", 1, null, ProgressUnit.Files));
            return Environment.CurrentManagedThreadId;
        });
        Assert.Equal(reportingThread, raisedOn);
    }

    [Fact]
    public void Constructor_OnAThreadWithAContext_CapturesIt()
    {
        var context = new QueueContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var monitor = new ProgressMonitor();
            monitor.ProgressChanged += (_, _) => { };
            monitor.Report(new OperationProgress("checkout", 1, 1, ProgressUnit.Files));
            Assert.Single(context.Posted);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>A context that only queues what is posted to it, as a UI loop would until it runs.</summary>
    private sealed class QueueContext : SynchronizationContext
    {
        public List<(SendOrPostCallback Callback, object? State)> Posted { get; } = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            lock (Posted)
            {
                Posted.Add((d, state));
            }
        }
    }
}
