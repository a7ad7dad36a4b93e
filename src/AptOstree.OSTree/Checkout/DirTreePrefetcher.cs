using System.Collections.Concurrent;

namespace AptOstree.OSTree;

/// <summary>
/// Reads a checkout's dirtree objects ahead of its workers, on threads of its own. With a cold page cache the
/// workers otherwise have one small read in flight each, between their links; the prefetcher keeps several more
/// going. It walks in the workers' order (depth first, dirtree order). A tree it cannot read is left to the
/// worker, which then reads it itself and reports the error.
/// </summary>
internal sealed class DirTreePrefetcher
{
    private readonly Func<Checksum, DirTree> _read;
    private readonly ConcurrentDictionary<Checksum, DirTree> _trees = new();
    private readonly SharedWorkStack<Checksum> _work = new();
    private Thread[] _threads = [];

    /// <param name="read">Reads, verifies and parses one dirtree object (safe to call from several threads).</param>
    public DirTreePrefetcher(Func<Checksum, DirTree> read) => _read = read;

    /// <summary>Starts reading from <paramref name="root"/> on <paramref name="threads"/> threads.</summary>
    public void Start(Checksum root, int threads)
    {
        _work.Push([root]);
        _threads = _work.StartThreads(threads, "ostree-prefetch", Prefetch);
    }

    /// <summary>The tree if it has been read already; otherwise the caller reads it.</summary>
    public bool TryGet(Checksum checksum, out DirTree tree) => _trees.TryGetValue(checksum, out tree!);

    /// <summary>Stops the threads and waits for them (before the descriptors they read through are closed).</summary>
    public void StopAndJoin()
    {
        _work.Stop();
        foreach (var t in _threads)
        {
            t.Join();
        }
    }

    private void Prefetch(Checksum checksum)
    {
        if (_trees.ContainsKey(checksum))
        {
            return;
        }

        DirTree tree;
        try
        {
            tree = _read(checksum);
        }
        catch (AptOstreeException)
        {
            return;
        }

        _trees.TryAdd(checksum, tree);
        if (tree.Directories.Count > 0)
        {
            var children = new Checksum[tree.Directories.Count];
            for (int i = 0; i < children.Length; i++)
            {
                children[i] = tree.Directories[i].TreeChecksum;
            }

            _work.Push(children);
        }
    }
}
