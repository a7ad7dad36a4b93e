using System.Diagnostics;

namespace AptOstree.Compose;

/// <summary>How a host process ended: its exit status and the end of its stderr.</summary>
internal sealed record HostProcessExit(int ExitCode, string StandardError);

/// <summary>
/// Runs the host programs that build the sandbox (<c>unshare</c>, <c>sh</c>, <c>bwrap</c>, <c>tar</c>) with a fixed
/// environment, streaming stdout to a callback and keeping the end of stderr.
/// </summary>
internal static class HostProcess
{
    private const string HostPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly TimeSpan PipeGrace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="argv"/> to its end. Cancelling kills it and every process it started, waits until they
    /// are gone, then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<HostProcessExit> RunAsync(IReadOnlyList<string> argv, string workingDirectory, Action<ReadOnlyMemory<byte>> onOutput, CancellationToken cancellationToken)
    {
        var psi = CreateStartInfo(argv, workingDirectory);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);

        // bubblewrap's --die-with-parent is PR_SET_PDEATHSIG, which fires when the *thread* that forked the child
        // exits, not the process. Starting it from a pool thread would kill the sandbox whenever the pool retires
        // that thread, so a dedicated thread forks the child and stays blocked until the child has exited.
        var thread = new Thread(() =>
        {
            Process process;
            try
            {
                process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {argv[0]}");
            }
            catch (Exception ex)
            {
                started.SetException(ex);
                return;
            }

            started.SetResult(process);
            process.WaitForExit();
            exited.SetResult();
        })
        {
            IsBackground = true,
            Name = "sandbox " + Path.GetFileName(argv[0]),
        };
        thread.Start();

        using var process = await started.Task.ConfigureAwait(false);
        process.StandardInput.Close();
        var stderrTail = new OutputTail(16 * 1024);
        var stdoutPump = PumpAsync(process.StandardOutput.BaseStream, onOutput);
        var stderrPump = PumpAsync(process.StandardError.BaseStream, chunk => stderrTail.Append(chunk.Span));
        using (cancellationToken.Register(() => KillTree(process)))
        {
            await exited.Task.ConfigureAwait(false);
        }

        // The pipes close when the last process holding them is gone; inside the sandbox that is when its pid
        // namespace ends. A process that escaped and kept them open must not hang the caller forever.
        await Task.WhenAny(Task.WhenAll(stdoutPump, stderrPump), Task.Delay(PipeGrace, CancellationToken.None)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new HostProcessExit(process.ExitCode, stderrTail.ToString());
    }

    /// <summary>
    /// Starts <paramref name="argv"/> with stdout and stderr readable by the caller; stdin is closed at once unless
    /// <paramref name="keepStandardInputOpen"/> (a process that must live until the caller closes it).
    /// </summary>
    public static Process Start(IReadOnlyList<string> argv, string workingDirectory, bool keepStandardInputOpen = false)
    {
        var process = Process.Start(CreateStartInfo(argv, workingDirectory)) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        if (!keepStandardInputOpen)
        {
            process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>Kills a process and all its descendants; no error when it has already exited.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // A descendant exited between listing and signalling.
        }
    }

    private static ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string workingDirectory)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        for (int i = 1; i < argv.Count; i++)
        {
            psi.ArgumentList.Add(argv[i]);
        }

        // Nothing of this process's environment reaches the host tools (the sandbox sets its own with --clearenv).
        psi.Environment.Clear();
        psi.Environment["PATH"] = HostPath;
        psi.Environment["LC_ALL"] = "C";
        return psi;
    }

    private static async Task PumpAsync(Stream stream, Action<ReadOnlyMemory<byte>> sink)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            sink(buffer.AsMemory(0, read));
        }
    }
}
