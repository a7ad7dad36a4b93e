using AptOstree.Posix;
using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>How a repository is opened.</summary>
public sealed record RepositoryOptions
{
    /// <summary>The file layer; <see cref="LibcPosixFileSystem.Instance"/> by default.</summary>
    public IPosixFileSystem? FileSystem { get; init; }

    /// <summary>Logging; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Overrides <c>core.fsync</c>: whether committed objects and refs are made durable.</summary>
    public bool? Fsync { get; init; }

    /// <summary>Overrides <c>core.lock-timeout-secs</c>.</summary>
    public TimeSpan? LockTimeout { get; init; }

    /// <summary>
    /// The clock: a commit's timestamp when neither <see cref="CommitOptions.Timestamp"/> nor <c>SOURCE_DATE_EPOCH</c>
    /// gives one, a summary's <c>ostree.summary.last-modified</c>, the repository directory's mtime after a ref write,
    /// and the lock timeout; <see cref="System.TimeProvider.System"/> by default.
    /// </summary>
    public TimeProvider? TimeProvider { get; init; }
}
