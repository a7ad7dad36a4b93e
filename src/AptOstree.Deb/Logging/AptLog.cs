using Microsoft.Extensions.Logging;

namespace AptOstree.Deb;

/// <summary>The [LoggerMessage] catalog of APT repositories and the solver (event ids 4000–4999).</summary>
internal static partial class AptLog
{
    [LoggerMessage(EventId = LogEventIds.AptBase + 1, Level = LogLevel.Information, Message = "Solved: {Install} to install, {Remove} to remove, {Total} installed afterwards")]
    public static partial void Solved(ILogger logger, int install, int remove, int total);

    [LoggerMessage(EventId = LogEventIds.AptBase + 2, Level = LogLevel.Warning, Message = "No solution: {Explanation}")]
    public static partial void Unsatisfiable(ILogger logger, string explanation);

    [LoggerMessage(EventId = LogEventIds.AptBase + 3, Level = LogLevel.Information, Message = "Loaded index {Path}: {Count} packages")]
    public static partial void IndexLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = LogEventIds.AptBase + 4, Level = LogLevel.Information, Message = "Fetched {Uri} ({Bytes} bytes)")]
    public static partial void Fetched(ILogger logger, string uri, long bytes);

    [LoggerMessage(EventId = LogEventIds.AptBase + 5, Level = LogLevel.Warning, Message = "Download of {Uri} failed (attempt {Attempt}): {Reason}")]
    public static partial void DownloadRetry(ILogger logger, string uri, int attempt, string reason);

    [LoggerMessage(EventId = LogEventIds.AptBase + 6, Level = LogLevel.Information, Message = "Release {Path} verified with key {Fingerprint}")]
    public static partial void ReleaseVerified(ILogger logger, string path, string fingerprint);

    [LoggerMessage(EventId = LogEventIds.AptBase + 7, Level = LogLevel.Warning, Message = "Keeping the cached copy of {Path}: {Reason}")]
    public static partial void KeptCachedCopy(ILogger logger, string path, string reason);
}
