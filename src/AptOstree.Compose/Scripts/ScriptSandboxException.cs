namespace AptOstree.Compose;

/// <summary>A failure of the script sandbox or of a command run in it, naming the command.</summary>
public sealed class ScriptSandboxException : AptOstreeException
{
    /// <summary>Creates the exception with the generic setup-failure code.</summary>
    public ScriptSandboxException()
        : this(ComposeErrorCodes.SandboxSetupFailed, "The script sandbox failed.")
    {
    }

    /// <summary>Creates the exception with the generic setup-failure code.</summary>
    public ScriptSandboxException(string message)
        : this(ComposeErrorCodes.SandboxSetupFailed, message)
    {
    }

    /// <summary>Creates the exception with the generic setup-failure code and a cause.</summary>
    public ScriptSandboxException(string message, Exception? innerException)
        : this(ComposeErrorCodes.SandboxSetupFailed, message, innerException: innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">One of the sandbox codes of <see cref="ComposeErrorCodes"/>.</param>
    /// <param name="message">What failed, naming the command.</param>
    /// <param name="command">The argv that ran (or was about to), if any.</param>
    /// <param name="exitCode">Its exit status, if it exited.</param>
    /// <param name="outputTail">The end of its output, if any.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public ScriptSandboxException(string errorCode, string message, IReadOnlyList<string>? command = null, int? exitCode = null, string? outputTail = null, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
        Command = command ?? [];
        ExitCode = exitCode;
        OutputTail = outputTail ?? string.Empty;
    }

    /// <summary>The argv concerned; empty when the failure was not about one command.</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>The command's exit status, when it exited.</summary>
    public int? ExitCode { get; }

    /// <summary>The end of the command's combined output (empty if none).</summary>
    public string OutputTail { get; }

    /// <summary>An argv as one line, quoting arguments that contain blanks or quotes.</summary>
    internal static string Describe(IReadOnlyList<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && !a.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '\\') ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    /// <summary>The output tail as a message suffix: its last lines, indented.</summary>
    internal static string FormatTail(string tail)
    {
        const int MaxLines = 20;
        var lines = tail.TrimEnd('\n').Split('\n');
        if (lines.Length == 1 && lines[0].Length == 0)
        {
            return string.Empty;
        }

        return " Output (end):\n  " + string.Join("\n  ", lines.Skip(Math.Max(0, lines.Length - MaxLines)));
    }
}
