
namespace AptOstree.OSTree;

/// <summary>
/// Deletes objects no longer reachable from the roots (refs, and unless refs-only every commit), keeping parent
/// chains to the requested depth. Holds the exclusive repository lock, so concurrent commits wait or are waited for.
/// </summary>
public sealed class RepositoryPruner
{
    private readonly OstreeRepository _repo;

    /// <summary>Creates a pruner for <paramref name="repository"/>.</summary>
    public RepositoryPruner(OstreeRepository repository) => _repo = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <summary>Prunes.</summary>
    public PruneResult Prune(PruneOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PruneOptions();
        using var repoLock = RepositoryLock.Acquire(_repo, exclusive: true, cancellationToken);
        var all = _repo.Objects.Enumerate().ToList();
        var roots = new HashSet<Checksum>(_repo.Refs.List().Values);
        foreach (var m in _repo.Refs.ListMirrors().Values)
        {
            roots.Add(m);
        }

        if (!options.RefsOnly)
        {
            foreach (var o in all.Where(o => o.Type == ObjectType.Commit))
            {
                roots.Add(o.Checksum);
            }
        }

        var reachable = new HashSet<ObjectName>();
        var unreadable = new List<FsckProblem>();
        foreach (var root in roots)
        {
            Checksum? current = root;
            for (int depth = 0; current is Checksum c && (options.Depth < 0 || depth <= options.Depth); depth++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!reachable.Add(new ObjectName(c, ObjectType.Commit)) || !_repo.Objects.Contains(c, ObjectType.Commit))
                {
                    break;
                }

                reachable.Add(new ObjectName(c, ObjectType.CommitMeta));
                OstreeCommit commit;
                try
                {
                    commit = _repo.Objects.ReadCommit(c);
                }
                catch (AptOstreeException ex) when (ex.ErrorCode != OstreeErrorCodes.ObjectNotFound)
                {
                    Skip(unreadable, new ObjectName(c, ObjectType.Commit), ex);
                    break;
                }

                MarkTree(commit.RootTree, commit.RootMeta, reachable, unreadable, cancellationToken);
                current = commit.Parent;
            }
        }

        int pruned = 0;
        long bytes = 0;
        foreach (var o in all)
        {
            if (o.Type is not (ObjectType.Commit or ObjectType.CommitMeta or ObjectType.DirTree or ObjectType.DirMeta or ObjectType.File) || reachable.Contains(o))
            {
                continue;
            }

            string path = _repo.Objects.GetLoosePath(o.Checksum, o.Type);
            if (_repo.FileSystem.TryGetStatus(path, out var st))
            {
                bytes += st.Size;
                pruned++;
                if (!options.DryRun)
                {
                    _repo.FileSystem.Delete(path);
                }
            }
        }

        OstreeLog.Pruned(_repo.Logger, pruned, bytes);
        return new PruneResult(all.Count, pruned, bytes) { UnreadableObjects = unreadable };
    }

    private void Skip(List<FsckProblem> unreadable, ObjectName name, AptOstreeException ex)
    {
        string message = $"{name}: {ex.Message}; kept, and what only it names is unreachable";
        OstreeLog.PruneSkipped(_repo.Logger, message);
        unreadable.Add(new FsckProblem(name, message, ex.ErrorCode));
    }

    /// <summary>
    /// Marks a tree's objects reachable, each dirtree once, with an explicit stack (a tree's depth is input). A
    /// reachable dirtree that cannot be parsed is kept and reported, and the walk goes on (libostree prunes what it
    /// can); a missing one fails the prune, as in libostree, since what it names cannot be known.
    /// </summary>
    private void MarkTree(Checksum rootTree, Checksum rootMeta, HashSet<ObjectName> reachable, List<FsckProblem> unreadable, CancellationToken cancellationToken)
    {
        var pending = new Stack<(Checksum Tree, Checksum Meta)>();
        pending.Push((rootTree, rootMeta));
        while (pending.TryPop(out var next))
        {
            reachable.Add(new ObjectName(next.Meta, ObjectType.DirMeta));
            if (!reachable.Add(new ObjectName(next.Tree, ObjectType.DirTree)))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            DirTree dirtree;
            try
            {
                dirtree = _repo.Objects.ReadDirTree(next.Tree);
            }
            catch (AptOstreeException ex) when (ex.ErrorCode != OstreeErrorCodes.ObjectNotFound)
            {
                Skip(unreadable, new ObjectName(next.Tree, ObjectType.DirTree), ex);
                continue;
            }

            foreach (var f in dirtree.Files)
            {
                reachable.Add(new ObjectName(f.Checksum, ObjectType.File));
            }

            foreach (var d in dirtree.Directories)
            {
                pending.Push((d.TreeChecksum, d.MetaChecksum));
            }
        }
    }
}
