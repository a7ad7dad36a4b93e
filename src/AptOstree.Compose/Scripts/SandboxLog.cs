using Microsoft.Extensions.Logging;

namespace AptOstree.Compose;

/// <summary>The [LoggerMessage] catalog of the script sandbox (event ids 6900–6999 of Compose's range).</summary>
internal static partial class SandboxLog
{
    private const int Base = LogEventIds.ComposeBase + 900;

    [LoggerMessage(EventId = Base + 1, Level = LogLevel.Debug, Message = "Script sandbox over {LowerRoot} in {WorkDirectory} ({Mode})")]
    public static partial void Opened(ILogger logger, string lowerRoot, string workDirectory, string mode);

    [LoggerMessage(EventId = Base + 2, Level = LogLevel.Information, Message = "Sandbox: running {Command}")]
    public static partial void Running(ILogger logger, string command);

    [LoggerMessage(EventId = Base + 3, Level = LogLevel.Debug, Message = "Sandbox output: {Line}")]
    public static partial void Output(ILogger logger, string line);

    [LoggerMessage(EventId = Base + 4, Level = LogLevel.Information, Message = "Sandbox: {Command} exited {ExitCode} after {Milliseconds} ms")]
    public static partial void Exited(ILogger logger, string command, int exitCode, long milliseconds);

    [LoggerMessage(EventId = Base + 5, Level = LogLevel.Warning, Message = "Sandbox: {Command} killed after its time limit of {Limit}")]
    public static partial void TimedOut(ILogger logger, string command, TimeSpan limit);

    [LoggerMessage(EventId = Base + 6, Level = LogLevel.Debug, Message = "Sandbox changes captured: {Written} written, {Deleted} deleted")]
    public static partial void Captured(ILogger logger, int written, int deleted);

    [LoggerMessage(EventId = Base + 7, Level = LogLevel.Warning, Message = "Sandbox work directory {Directory} could not be removed: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string directory, string reason);
}
