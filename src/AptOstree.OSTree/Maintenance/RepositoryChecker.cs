using AptOstree.OSTree.GVariant;
using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>
/// fsck: re-hashes every loose object, validates metadata (normal form, names, sort order, modes), and walks every
/// ref'd commit for missing objects. Never throws for a bad object: each one becomes a <see cref="FsckProblem"/>.
/// </summary>
public sealed class RepositoryChecker
{
    private const long MapThreshold = 1024 * 1024;
    private readonly OstreeRepository _repo;

    /// <summary>Parent and root of each commit read while re-hashing, so the reachability walk does not parse it again.</summary>
    private readonly Dictionary<Checksum, (Checksum? Parent, Checksum RootTree, Checksum RootMeta)> _commitLinks = [];

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
        ReportMissingRefCommits(problems);
        foreach (var commit in CommitsToWalk())
        {
            cancellationToken.ThrowIfCancellationRequested();
            commits++;
            if (_repo.FileSystem.TryGetStatus(Path.Combine(_repo.Path, "state", commit + ".commitpartial"), out _))
            {
                continue;
            }

            try
            {
                var (_, rootTree, rootMeta) = CommitLinks(commit);
                WalkTree(rootTree, rootMeta, commit, visited, problems, cancellationToken);
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

    /// <summary>Every ref and mirror ref whose commit is not in the repository (ostree: "Loading commit for ref R").</summary>
    private void ReportMissingRefCommits(List<FsckProblem> problems)
    {
        var refs = _repo.Refs.List().Select(kv => (Name: kv.Key, Commit: kv.Value))
            .Concat(_repo.Refs.ListMirrors().Select(kv => (Name: $"({kv.Key.CollectionId}, {kv.Key.Ref})", Commit: kv.Value)));
        foreach (var (name, commit) in refs)
        {
            if (!_repo.Objects.Contains(commit, ObjectType.Commit))
            {
                Report(problems, new ObjectName(commit, ObjectType.Commit), $"Loading commit for ref {name}: No such metadata object {ObjectStore.Name(commit, ObjectType.Commit)}", OstreeErrorCodes.ObjectNotFound);
            }
        }
    }

    private IEnumerable<Checksum> CommitsToWalk()
    {
        var seen = new HashSet<Checksum>();
        foreach (var head in _repo.Refs.List().Values.Concat(_repo.Refs.ListMirrors().Values))
        {
            Checksum? current = head;
            while (current is Checksum c && seen.Add(c) && _repo.Objects.Contains(c, ObjectType.Commit))
            {
                yield return c;
                try
                {
                    current = CommitLinks(c).Parent;
                }
                catch (AptOstreeException)
                {
                    current = null;
                }
            }
        }
    }

    /// <summary>Checks that every object a commit's tree names is present; iterative, each dirtree once.</summary>
    private void WalkTree(Checksum rootTree, Checksum rootMeta, Checksum commit, HashSet<ObjectName> visited, List<FsckProblem> problems, CancellationToken cancellationToken)
    {
        var pending = new Stack<(Checksum Tree, Checksum Meta)>();
        pending.Push((rootTree, rootMeta));
        while (pending.TryPop(out var next))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (tree, meta) = next;
            if (visited.Add(new ObjectName(meta, ObjectType.DirMeta)) && !_repo.Objects.Contains(meta, ObjectType.DirMeta))
            {
                Report(problems, new ObjectName(meta, ObjectType.DirMeta), $"In commit {commit}: object {meta}.dirmeta is missing", OstreeErrorCodes.ObjectNotFound);
            }

            if (!visited.Add(new ObjectName(tree, ObjectType.DirTree)))
            {
                continue;
            }

            DirTree dirtree;
            try
            {
                dirtree = _repo.Objects.ReadDirTree(tree);
            }
            catch (AptOstreeException ex)
            {
                Report(problems, new ObjectName(tree, ObjectType.DirTree), $"In commit {commit}: {ex.Message}", ex.ErrorCode);
                continue;
            }

            foreach (var f in dirtree.Files)
            {
                if (visited.Add(new ObjectName(f.Checksum, ObjectType.File)) && !_repo.Objects.Contains(f.Checksum, ObjectType.File))
                {
                    Report(problems, new ObjectName(f.Checksum, ObjectType.File), $"In commit {commit}: object {f.Checksum}.file ('{f.Name}') is missing", OstreeErrorCodes.ObjectNotFound);
                }
            }

            for (int i = dirtree.Directories.Count - 1; i >= 0; i--)
            {
                pending.Push((dirtree.Directories[i].TreeChecksum, dirtree.Directories[i].MetaChecksum));
            }
        }
    }

    private (Checksum? Parent, Checksum RootTree, Checksum RootMeta) CommitLinks(Checksum commit)
    {
        if (_commitLinks.TryGetValue(commit, out var links))
        {
            return links;
        }

        var c = _repo.Objects.ReadCommit(commit);
        return _commitLinks[commit] = (c.Parent, c.RootTree, c.RootMeta);
    }

    /// <summary>
    /// Re-hashes and validates a commit without building it: the bytes are checked in place for normal form and
    /// only the parent and root checksums are read out, so a commit with tens of megabytes of metadata (libostree
    /// allows 128 MiB) costs its bytes, not a managed copy of every value. A large one is read in place through the
    /// file system's read-only view of it (<see cref="Posix.IPosixFileSystem.MapRead"/>: a memory map on disk).
    /// </summary>
    private (Checksum? Parent, Checksum RootTree, Checksum RootMeta) CheckCommit(Checksum checksum)
    {
        string name = ObjectStore.Name(checksum, ObjectType.Commit);
        string path = _repo.Objects.GetLoosePath(checksum, ObjectType.Commit);
        if (!_repo.FileSystem.TryGetStatus(path, out var st) || st.Size < MapThreshold)
        {
            return CommitLinksOf(_repo.Objects.ReadMetadataBytes(checksum, ObjectType.Commit, verify: true), name);
        }

        using var view = _repo.FileSystem.MapRead(path);
        var data = view.Span;
        var actual = Checksum.Compute(data);
        if (actual != checksum)
        {
            throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, name, $"corrupted object: content hashes to {actual}");
        }

        return CommitLinksOf(data, name);
    }

    /// <summary>The rules of <see cref="OstreeCommit.Parse"/> (normal form, no empty metadata key, checksum lengths), checked in place.</summary>
    private static (Checksum? Parent, Checksum RootTree, Checksum RootMeta) CommitLinksOf(ReadOnlySpan<byte> data, string name)
    {
        GVariantValidator.Validate(OstreeCommit.GVariantType, data, name);
        var members = GVariantValidator.TupleMembers(OstreeCommit.GVariantType, data, name);
        var metadata = data[members[0].Start..members[0].End];
        foreach (int start in GVariantValidator.ArrayElementStarts("a{sv}", metadata, name))
        {
            if (metadata[start] == 0)
            {
                throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, name, "commit metadata has an empty key");
            }
        }

        var parent = data[members[1].Start..members[1].End];
        var tree = data[members[6].Start..members[6].End];
        var meta = data[members[7].Start..members[7].End];
        if (parent.Length is not 0 and not Checksum.ByteLength)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, name, $"parent checksum has {parent.Length} bytes");
        }

        if (tree.Length != Checksum.ByteLength || meta.Length != Checksum.ByteLength)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, name, "root dirtree/dirmeta checksum is not 32 bytes");
        }

        return (parent.Length == 0 ? null : Checksum.FromBytes(parent), Checksum.FromBytes(tree), Checksum.FromBytes(meta));
    }

    private void CheckObject(ObjectName name)
    {
        switch (name.Type)
        {
            case ObjectType.Commit:
                _commitLinks[name.Checksum] = CheckCommit(name.Checksum);
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
