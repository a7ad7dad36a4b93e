using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Layering;

internal static partial class LayeringLog
{
    [LoggerMessage(EventId = 6501, Level = LogLevel.Information, Message = "Deploying {Commit} (base {Base}, {Count} layered package(s))")]
    public static partial void Deploying(ILogger logger, Checksum commit, Checksum @base, int count);
}
