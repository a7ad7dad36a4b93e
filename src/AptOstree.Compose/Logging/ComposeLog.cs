using Microsoft.Extensions.Logging;

namespace AptOstree.Compose;

/// <summary>Log messages of AptOstree.Compose (event ids 6000–6999).</summary>
internal static partial class ComposeLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Debug, Message = "Imported {Package} {Version} as {Commit}")]
    public static partial void Imported(ILogger logger, string package, string version, Checksum commit);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Compose phase {Phase} took {Seconds:F2} s")]
    public static partial void PhaseDone(ILogger logger, string phase, double seconds);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Script {Script} took {Seconds:F2} s")]
    public static partial void ScriptTimed(ILogger logger, string script, double seconds);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "The work directory {Stale} of an earlier run could not be removed; configuring in {Fresh}")]
    public static partial void WorkDirectoryLeftBehind(ILogger logger, string stale, string fresh);
}
