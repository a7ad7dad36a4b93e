using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// A shared or exclusive lock on <c>REPO/.lock</c> using open-file-description locks, exactly as libostree takes
/// them, so our writers, our prune and a concurrently running <c>ostree</c> exclude each other correctly.
/// </summary>
public sealed class RepositoryLock : IDisposable
{
    private readonly IDisposable _held;

    private RepositoryLock(IDisposable held) => _held = held;

    /// <summary>True for an exclusive lock.</summary>
    public bool IsExclusive { get; private init; }

    /// <summary>Blocks until the lock is granted (or the timeout passes).</summary>
    /// <param name="repositoryPath">The repository directory.</param>
    /// <param name="exclusive">Exclusive (deleting objects) or shared (reading/writing objects).</param>
    /// <param name="timeout">How long to wait; libostree's default is 300 s.</param>
    /// <param name="timeProvider">The clock the timeout is measured on; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static RepositoryLock Acquire(string repositoryPath, bool exclusive, TimeSpan? timeout = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repositoryPath);
        return Acquire(LibcPosixFileSystem.Instance, repositoryPath, exclusive, timeout ?? TimeSpan.FromSeconds(300), timeProvider ?? TimeProvider.System, cancellationToken);
    }

    /// <summary>Locks <paramref name="repository"/> through its file system, waiting up to its lock timeout on its clock.</summary>
    internal static RepositoryLock Acquire(OstreeRepository repository, bool exclusive, CancellationToken cancellationToken = default) =>
        Acquire(repository.FileSystem, repository.Path, exclusive, repository.LockTimeout, repository.TimeProvider, cancellationToken);

    private static RepositoryLock Acquire(IPosixFileSystem fileSystem, string repositoryPath, bool exclusive, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        string path = repositoryPath.TrimEnd('/') + "/.lock";
        long started = clock.GetTimestamp();
        int delay = 2;
        while (true)
        {
            IDisposable? held;
            try
            {
                held = fileSystem.TryLockFile(path, exclusive);
            }
            catch (PosixException ex)
            {
                throw new AptOstreeException(OstreeErrorCodes.LockFailed, $"Locking {path} failed: {ex.Message}", ex);
            }

            if (held is not null)
            {
                return new RepositoryLock(held) { IsExclusive = exclusive };
            }

            if (clock.GetElapsedTime(started) > timeout)
            {
                throw new AptOstreeException(OstreeErrorCodes.LockFailed, $"Timed out waiting for the {(exclusive ? "exclusive" : "shared")} lock on {path}.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _held.Dispose();
}
