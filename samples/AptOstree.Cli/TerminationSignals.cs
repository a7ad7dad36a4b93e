using System.Runtime.InteropServices;

namespace AptOstree.Cli;

/// <summary>
/// Turns SIGINT and SIGTERM into a cancellation token for the SDK call a command makes, so Ctrl-C stops it cleanly
/// (the library removes what it staged and moves no ref) and the command exits 130 (SIGINT) or 143 (SIGTERM), as a
/// shell reports a process the signal killed.
/// </summary>
internal sealed partial class TerminationSignals : IDisposable
{
    private const int SigInt = 2;
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _exitCode = 130;

    public TerminationSignals()
    {
        // A shell starts background jobs with SIGINT ignored, and .NET leaves an ignored signal alone; `kill -INT` is
        // still meant to stop this command cleanly, so take the default disposition back before registering.
        _ = RestoreDefault(SigInt, 0);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled when a signal arrives.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>130 after SIGINT, 143 after SIGTERM.</summary>
    public int ExitCode => _exitCode;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint RestoreDefault(int signal, nint handler);

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive: the running call unwinds through its cleanup and the command returns the exit code.
        context.Cancel = true;
        _exitCode = context.Signal == PosixSignal.SIGTERM ? 143 : 130;
        _source.Cancel();
    }
}
