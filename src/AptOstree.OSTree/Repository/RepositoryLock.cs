using AptOstree.Posix;
using System.Runtime.InteropServices;

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

        // The lock file is an exception to the file-system seam: fcntl locks need a real file descriptor.
        var file = new FileStream(Path.Combine(repositoryPath, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        try
        {
            var clock = timeProvider ?? TimeProvider.System;
            long started = clock.GetTimestamp();
            var limit = timeout ?? TimeSpan.FromSeconds(300);
            // Raw libc, not IPosixFileSystem: this lock excludes other processes (a running ostree among them) from
            // the repository on disk, which only the kernel's open-file-description locks can do; the abstraction has no locks.
            int fd = (int)file.SafeFileHandle.DangerousGetHandle();
            var info = new LibcNative.Flock { Type = exclusive ? LibcNative.FWrLck : LibcNative.FRdLck, Whence = 0 };
            int delay = 2;
            while (LibcNative.Fcntl(fd, LibcNative.FOfdSetLk, ref info) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is not 11 and not 13)
                {
                    throw new AptOstreeException(OstreeErrorCodes.LockFailed, $"Locking {repositoryPath}/.lock failed: {Marshal.GetPInvokeErrorMessage(errno)}.");
                }

                if (clock.GetElapsedTime(started) > limit)
                {
                    throw new AptOstreeException(OstreeErrorCodes.LockFailed, $"Timed out waiting for the {(exclusive ? "exclusive" : "shared")} lock on {repositoryPath}/.lock.");
                }

                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 100);
            }

            return new RepositoryLock(file) { IsExclusive = exclusive };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Locks <paramref name="repository"/>: <c>REPO/.lock</c> on disk when its file system is the real one, else an
    /// <see cref="InProcessFileLock"/> (a file system without file descriptors cannot be <c>fcntl</c>-locked), waiting
    /// up to the repository's lock timeout on its clock.
    /// </summary>
    internal static RepositoryLock Acquire(OstreeRepository repository, bool exclusive, CancellationToken cancellationToken = default)
    {
        if (repository.FileSystem is LibcPosixFileSystem)
        {
            return Acquire(repository.Path, exclusive, repository.LockTimeout, repository.TimeProvider, cancellationToken);
        }

        var inProcess = InProcessFileLock.For(repository.FileSystem, repository.Path + "/.lock");
        var clock = repository.TimeProvider;
        long started = clock.GetTimestamp();
        int delay = 2;
        while (true)
        {
            if (inProcess.TryEnter(exclusive) is { } held)
            {
                return new RepositoryLock(held) { IsExclusive = exclusive };
            }

            if (clock.GetElapsedTime(started) > repository.LockTimeout)
            {
                throw new AptOstreeException(OstreeErrorCodes.LockFailed, $"Timed out waiting for the {(exclusive ? "exclusive" : "shared")} lock on {repository.Path}/.lock.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _held.Dispose();
}
