using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Images;

/// <summary>Log messages of image building and kernel processing (event ids 6900–6949).</summary>
internal static partial class ImageLog
{
    [LoggerMessage(EventId = LogEventIds.ComposeBase + 900, Level = LogLevel.Debug, Message = "Running {CommandLine}")]
    public static partial void RunningTool(ILogger logger, string commandLine);

    [LoggerMessage(EventId = LogEventIds.ComposeBase + 901, Level = LogLevel.Debug, Message = "{Tool} exited with {ExitCode} after {Seconds:F1} s")]
    public static partial void ToolFinished(ILogger logger, string tool, int exitCode, double seconds);

    [LoggerMessage(EventId = LogEventIds.ComposeBase + 902, Level = LogLevel.Information, Message = "Image step {Step} took {Seconds:F1} s")]
    public static partial void StepFinished(ILogger logger, string step, double seconds);

    [LoggerMessage(EventId = LogEventIds.ComposeBase + 903, Level = LogLevel.Information, Message = "Kernel {KernelVersion}: generated {Initramfs} with dracut in {Seconds:F1} s")]
    public static partial void InitramfsGenerated(ILogger logger, string kernelVersion, string initramfs, double seconds);
}
