using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>The [LoggerMessage] catalog of the deployment manager (event ids 5000–5999).</summary>
internal static partial class DeploymentLog
{
    [LoggerMessage(EventId = LogEventIds.DeploymentBase + 1, Level = LogLevel.Information, Message = "Deploying {Commit} of stateroot {Stateroot} as {Directory}")]
    public static partial void Deploying(ILogger logger, Checksum commit, string stateroot, string directory);

    [LoggerMessage(EventId = LogEventIds.DeploymentBase + 2, Level = LogLevel.Information, Message = "Copying /etc changes: {Modified} modified, {Removed} removed, {Added} added")]
    public static partial void EtcMerged(ILogger logger, int modified, int removed, int added);

    [LoggerMessage(EventId = LogEventIds.DeploymentBase + 3, Level = LogLevel.Information, Message = "Boot configuration swapped to bootversion {BootVersion}.{SubBootVersion} with {Count} deployments")]
    public static partial void BootVersionSwapped(ILogger logger, int bootVersion, int subBootVersion, int count);

    [LoggerMessage(EventId = LogEventIds.DeploymentBase + 4, Level = LogLevel.Debug, Message = "Removed unreferenced {Path}")]
    public static partial void RemovedUnreferenced(ILogger logger, string path);

    [LoggerMessage(EventId = LogEventIds.DeploymentBase + 5, Level = LogLevel.Warning, Message = "Ignoring special file {Path} in /etc merge")]
    public static partial void IgnoringSpecialFile(ILogger logger, string path);

    [LoggerMessage(EventId = LogEventIds.DeploymentBase + 6, Level = LogLevel.Debug, Message = "Installed kernel {Kernel} into {Directory}")]
    public static partial void InstalledKernel(ILogger logger, string kernel, string directory);

    [LoggerMessage(EventId = LogEventIds.DeploymentBase + 7, Level = LogLevel.Information, Message = "Staged deployment {Directory}")]
    public static partial void Staged(ILogger logger, string directory);
}
