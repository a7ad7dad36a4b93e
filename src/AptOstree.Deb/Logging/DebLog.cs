using Microsoft.Extensions.Logging;

namespace AptOstree.Deb;

/// <summary>The [LoggerMessage] catalog of the .deb format layer (event ids 2000–2299).</summary>
internal static partial class DebLog
{
    [LoggerMessage(EventId = LogEventIds.DebBase + 1, Level = LogLevel.Debug, Message = "Opened {Source}: control member {ControlMember}, data member {DataMember}")]
    public static partial void OpenedPackage(ILogger logger, string source, string controlMember, string dataMember);

    [LoggerMessage(EventId = LogEventIds.DebBase + 2, Level = LogLevel.Debug, Message = "Skipped non-critical member {Member} in {Source}")]
    public static partial void SkippedMember(ILogger logger, string member, string source);

    [LoggerMessage(EventId = LogEventIds.DebBase + 3, Level = LogLevel.Information, Message = "Extracted {Source} to {Directory}: {Entries} entries, {Bytes} bytes")]
    public static partial void Extracted(ILogger logger, string source, string directory, int entries, long bytes);

    [LoggerMessage(EventId = LogEventIds.DebBase + 4, Level = LogLevel.Debug, Message = "Not running as root: ownership/device node of {Path} recorded, not applied")]
    public static partial void MetadataNotApplied(ILogger logger, string path);

    [LoggerMessage(EventId = LogEventIds.DebBase + 5, Level = LogLevel.Information, Message = "Built {Output}: {Entries} data entries, {Compression} compression")]
    public static partial void Built(ILogger logger, string output, int entries, string compression);

    [LoggerMessage(EventId = LogEventIds.DebBase + 6, Level = LogLevel.Debug, Message = "xz decoding of {Source} uses {Decoder}")]
    public static partial void XzDecoder(ILogger logger, string source, string decoder);
}
