namespace AptOstree.Posix;

/// <summary>
/// The shared/exclusive lock of one path of an <see cref="InMemoryPosixFileSystem"/>: the semantics of the
/// open-file-description locks <see cref="LibcPosixFileSystem.TryLockFile"/> takes on disk, held in memory.
/// </summary>
internal sealed class InMemoryFileLock
{
    private readonly Lock _gate = new();
    private int _readers;
    private bool _writer;

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

    private sealed class Holder(InMemoryFileLock owner, bool exclusive) : IDisposable
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
