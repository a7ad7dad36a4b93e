using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>
/// fsck: re-hashes every loose object, validates metadata (normal form, names, sort order, modes), and walks every
/// ref'd commit for missing objects. Never throws for a bad object: each one becomes a <see cref="FsckProblem"/>.
/// </summary>
public sealed class RepositoryChecker
{
    private readonly OstreeRepository _repo;

    /// <summary>Creates a checker for <paramref name="repository"/>.</summary>
    public RepositoryChecker(OstreeRepository repository) => _repo = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <summary>Runs the check.</summary>
    public FsckResult Check(IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = new List<FsckProblem>();
        int objects = 0;
        var all = _repo.Objects.Enumerate().ToList();
        foreach (var name in all)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (name.Type is ObjectType.FileXattrsLink or ObjectType.PayloadLink or ObjectType.TombstoneCommit)
            {
                continue;
            }

            objects++;
            try
            {
                CheckObject(name);
            }
            catch (Exception ex) when (ex is AptOstreeException or IOException or InvalidDataException)
            {
                Report(problems, name, $"fsck {name}: {ex.Message}", ex is AptOstreeException a ? a.ErrorCode : OstreeErrorCodes.CorruptObject);
            }

            progress?.Report(new OperationProgress("fsck", objects, all.Count, ProgressUnit.Objects, name.ToString()));
        }

        int commits = 0;
        var visited = new HashSet<ObjectName>();
        foreach (var commit in CommitsToWalk())
        {
            commits++;
            if (File.Exists(Path.Combine(_repo.Path, "state", commit + ".commitpartial")))
            {
                continue;
            }

            try
            {
                var c = _repo.Objects.ReadCommit(commit);
                WalkTree(c.RootTree, c.RootMeta, commit, visited, problems);
            }
            catch (AptOstreeException ex)
            {
                Report(problems, new ObjectName(commit, ObjectType.Commit), $"In commit {commit}: {ex.Message}", ex.ErrorCode);
            }
        }

        return new FsckResult(objects, commits, problems.DistinctBy(p => p.Message).ToList());
    }

    private void Report(List<FsckProblem> problems, ObjectName? name, string message, string code)
    {
        OstreeLog.FsckProblem(_repo.Logger, message);
        problems.Add(new FsckProblem(name, message, code));
    }

    private IEnumerable<Checksum> CommitsToWalk()
    {
        var seen = new HashSet<Checksum>();
        foreach (var (_, head) in _repo.Refs.List())
        {
            Checksum? current = head;
            while (current is Checksum c && seen.Add(c) && _repo.Objects.Contains(c, ObjectType.Commit))
            {
                yield return c;
                try
                {
                    current = _repo.Objects.ReadCommit(c).Parent;
                }
                catch (AptOstreeException)
                {
                    current = null;
                }
            }
        }
    }

    private void WalkTree(Checksum tree, Checksum meta, Checksum commit, HashSet<ObjectName> visited, List<FsckProblem> problems)
    {
        if (!visited.Add(new ObjectName(tree, ObjectType.DirTree)))
        {
            return;
        }

        if (!_repo.Objects.Contains(meta, ObjectType.DirMeta))
        {
            Report(problems, new ObjectName(meta, ObjectType.DirMeta), $"In commit {commit}: object {meta}.dirmeta is missing", OstreeErrorCodes.ObjectNotFound);
        }

        DirTree dirtree;
        try
        {
            dirtree = _repo.Objects.ReadDirTree(tree);
        }
        catch (AptOstreeException ex)
        {
            Report(problems, new ObjectName(tree, ObjectType.DirTree), $"In commit {commit}: {ex.Message}", ex.ErrorCode);
            return;
        }

        foreach (var f in dirtree.Files)
        {
            if (visited.Add(new ObjectName(f.Checksum, ObjectType.File)) && !_repo.Objects.Contains(f.Checksum, ObjectType.File))
            {
                Report(problems, new ObjectName(f.Checksum, ObjectType.File), $"In commit {commit}: object {f.Checksum}.file ('{f.Name}') is missing", OstreeErrorCodes.ObjectNotFound);
            }
        }

        foreach (var d in dirtree.Directories)
        {
            WalkTree(d.TreeChecksum, d.MetaChecksum, commit, visited, problems);
        }
    }

    private void CheckObject(ObjectName name)
    {
        switch (name.Type)
        {
            case ObjectType.Commit:
                _repo.Objects.ReadCommit(name.Checksum, verify: true);
                break;
            case ObjectType.DirTree:
                _repo.Objects.ReadDirTree(name.Checksum, verify: true);
                break;
            case ObjectType.DirMeta:
                _repo.Objects.ReadDirMeta(name.Checksum, verify: true);
                break;
            case ObjectType.File:
                using (var content = _repo.Objects.OpenContent(name.Checksum))
                {
                    var actual = ContentChecksum.Compute(content.Header, content.Content, out long length);
                    if (content.Header.IsRegularFile && length != content.Size)
                    {
                        throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, name.ToString(), $"content is {length} bytes, its header says {content.Size}");
                    }

                    if (actual != name.Checksum)
                    {
                        throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, name.ToString(), $"corrupted object: content hashes to {actual}");
                    }
                }

                break;
            case ObjectType.FileXattrs:
                _repo.Objects.ReadMetadataBytes(name.Checksum, name.Type, verify: true);
                break;
            default:
                break;
        }
    }
}
