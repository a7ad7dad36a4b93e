using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>The [LoggerMessage] catalog of the OSTree repository layer (event ids 3000–3999).</summary>
internal static partial class OstreeLog
{
    [LoggerMessage(EventId = AptOstree.LogEventIds.OSTreeBase + 1, Level = LogLevel.Information, Message = "Committed {Commit} ({Written} new content objects)")]
    public static partial void Committed(ILogger logger, Checksum commit, int written);

    [LoggerMessage(EventId = AptOstree.LogEventIds.OSTreeBase + 2, Level = LogLevel.Information, Message = "Pruned {Count} objects ({Bytes} bytes)")]
    public static partial void Pruned(ILogger logger, int count, long bytes);

    [LoggerMessage(EventId = AptOstree.LogEventIds.OSTreeBase + 3, Level = LogLevel.Debug, Message = "Fetching {Url}")]
    public static partial void Fetching(ILogger logger, string url);

    [LoggerMessage(EventId = AptOstree.LogEventIds.OSTreeBase + 4, Level = LogLevel.Warning, Message = "fsck: {Problem}")]
    public static partial void FsckProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = AptOstree.LogEventIds.OSTreeBase + 5, Level = LogLevel.Information, Message = "Pulled {Commit}: {Fetched} objects fetched")]
    public static partial void Pulled(ILogger logger, Checksum commit, int fetched);

    [LoggerMessage(EventId = AptOstree.LogEventIds.OSTreeBase + 6, Level = LogLevel.Warning, Message = "prune: {Problem}")]
    public static partial void PruneSkipped(ILogger logger, string problem);
}
