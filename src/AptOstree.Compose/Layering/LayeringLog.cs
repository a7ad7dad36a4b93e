using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Layering;

internal static partial class LayeringLog
{
    [LoggerMessage(EventId = 6501, Level = LogLevel.Information, Message = "Deploying {Commit} (base {Base}, {Count} layered package(s))")]
    public static partial void Deploying(ILogger logger, Checksum commit, Checksum @base, int count);

    [LoggerMessage(EventId = 6502, Level = LogLevel.Information, Message = "Pulling {Refspec} for the upgrade")]
    public static partial void Pulling(ILogger logger, string refspec);
}
