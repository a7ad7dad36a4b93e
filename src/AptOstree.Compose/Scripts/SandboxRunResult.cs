namespace AptOstree.Compose;

/// <summary>How a command run in a <see cref="ScriptSandbox"/> ended.</summary>
/// <param name="Command">The argv that ran.</param>
/// <param name="ExitCode">Its exit status (128 + the signal number when a signal ended it).</param>
/// <param name="OutputTail">The end of its combined stdout and stderr (see <see cref="ScriptSandboxOptions.OutputTailBytes"/>).</param>
/// <param name="Duration">Wall-clock time from start to exit, sandbox setup included.</param>
public sealed record SandboxRunResult(IReadOnlyList<string> Command, int ExitCode, string OutputTail, TimeSpan Duration)
{
    /// <summary>True when the command exited 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Returns this result when the command exited 0, else throws <see cref="ScriptSandboxException"/> (<see cref="ComposeErrorCodes.SandboxCommandFailed"/>) naming it.</summary>
    public SandboxRunResult EnsureSuccess() =>
        Succeeded
            ? this
            : throw new ScriptSandboxException(
                ComposeErrorCodes.SandboxCommandFailed,
                $"'{ScriptSandboxException.Describe(Command)}' failed in the script sandbox with exit status {ExitCode}.{ScriptSandboxException.FormatTail(OutputTail)}",
                Command,
                ExitCode,
                OutputTail);
}
