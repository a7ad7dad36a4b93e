using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// A shared/exclusive lock on a path of a file system that has no file descriptors to <c>fcntl</c>-lock (anything but
/// <see cref="LibcPosixFileSystem"/>, e.g. <see cref="InMemoryPosixFileSystem"/>): the same semantics as the
/// open-file-description locks <see cref="RepositoryLock"/> and <see cref="StagingDirectory"/> take on disk, held
/// within this process, one lock per (file system instance, path). Nothing is written to the file system.
/// </summary>
internal sealed class InProcessFileLock
{
    private static readonly ConditionalWeakTable<IPosixFileSystem, ConcurrentDictionary<string, InProcessFileLock>> Locks = new();
    private readonly Lock _gate = new();
    private int _readers;
    private bool _writer;

    /// <summary>The lock of <paramref name="path"/> on <paramref name="fileSystem"/>.</summary>
    public static InProcessFileLock For(IPosixFileSystem fileSystem, string path) =>
        Locks.GetOrCreateValue(fileSystem).GetOrAdd(path, _ => new InProcessFileLock());

    /// <summary>Takes the lock without waiting; null when a conflicting holder has it.</summary>
    public IDisposable? TryEnter(bool exclusive)
    {
        lock (_gate)
        {
            if (_writer || (exclusive && _readers > 0))
            {
                return null;
            }

            if (exclusive)
            {
                _writer = true;
            }
            else
            {
                _readers++;
            }

            return new Holder(this, exclusive);
        }
    }

    private void Exit(bool exclusive)
    {
        lock (_gate)
        {
            if (exclusive)
            {
                _writer = false;
            }
            else
            {
                _readers--;
            }
        }
    }

    private sealed class Holder(InProcessFileLock owner, bool exclusive) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Exit(exclusive);
            }
        }
    }
}
