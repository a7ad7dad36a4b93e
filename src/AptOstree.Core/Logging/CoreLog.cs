using Microsoft.Extensions.Logging;

namespace AptOstree;

/// <summary>The [LoggerMessage] catalog of AptOstree.Core (event ids 1000–1999).</summary>
internal static partial class CoreLog
{
    [LoggerMessage(EventId = LogEventIds.CoreBase + 1, Level = LogLevel.Debug, Message = "Removed stale temporary path {Path}")]
    public static partial void RemovedStaleTemporary(ILogger logger, string path);

    [LoggerMessage(EventId = LogEventIds.CoreBase + 2, Level = LogLevel.Warning, Message = "Could not remove temporary path {Path}")]
    public static partial void CouldNotRemoveTemporary(ILogger logger, string path, Exception exception);
}
