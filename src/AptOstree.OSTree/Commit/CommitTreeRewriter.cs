namespace AptOstree.OSTree;

/// <summary>
/// Applies an import modifier to a tree loaded from a commit: the filter sees every path, and a file whose owner,
/// mode or xattrs change is written again as a new content object (its content streamed from the old one).
/// </summary>
internal sealed class CommitTreeRewriter
{
    private readonly OstreeRepository _repo;
    private readonly RepositoryTransaction _transaction;
    private readonly ImportModifier _modifier;
    private readonly ImportProgress _progress;

    public CommitTreeRewriter(OstreeRepository repository, RepositoryTransaction transaction, ImportModifier modifier, ImportProgress progress)
    {
        _repo = repository;
        _transaction = transaction;
        _modifier = modifier;
        _progress = progress;
    }

    public MutableTree Rewrite(MutableTree source)
    {
        var result = new MutableTree();
        var root = _modifier.Apply("/", source.Meta.Uid, source.Meta.Gid, source.Meta.Mode);
        if (root is null)
        {
            return result;
        }

        var pending = new Stack<(MutableTree Source, MutableTree Target, string Path, (uint Uid, uint Gid, uint Mode) Meta)>();
        pending.Push((source, result, "/", root.Value));
        while (pending.TryPop(out var item))
        {
            _progress.ThrowIfCancellationRequested();
            var xattrs = item.Source.Meta.Xattrs;
            if (_modifier.TakeOpaqueMarker(ref xattrs))
            {
                item.Target.Opaque = true;
            }

            item.Target.Meta = _modifier.Directory(item.Meta.Uid, item.Meta.Gid, item.Meta.Mode, xattrs);
            foreach (var (name, checksum) in item.Source.Files)
            {
                var path = item.Path == "/" ? "/" + name : item.Path + "/" + name;
                var header = _repo.Objects.ReadContentHeader(checksum);
                if (_modifier.Apply(path, header.Uid, header.Gid, header.Mode) is not { } kept)
                {
                    continue;
                }

                var wanted = _modifier.File(kept.Uid, kept.Gid, kept.Mode, header.SymlinkTarget, header.Xattrs);
                item.Target.ReplaceFile(name, SameHeader(wanted, header) ? checksum : Write(checksum, wanted, path));
                _progress.FileDone(path);
            }

            foreach (var (name, dir) in item.Source.Directories)
            {
                var path = item.Path == "/" ? "/" + name : item.Path + "/" + name;
                if (_modifier.Apply(path, dir.Meta.Uid, dir.Meta.Gid, dir.Meta.Mode) is { } kept)
                {
                    pending.Push((dir, item.Target.GetOrCreateDirectory(name), path, kept));
                }
            }
        }

        return result;
    }

    private static bool SameHeader(FileHeader a, FileHeader b) =>
        a.Uid == b.Uid && a.Gid == b.Gid && a.Mode == b.Mode && a.SymlinkTarget == b.SymlinkTarget && a.Xattrs.Count == b.Xattrs.Count
        && a.Xattrs.Zip(b.Xattrs).All(p => p.First.Name == p.Second.Name && p.First.Value.AsSpan().SequenceEqual(p.Second.Value));

    private Checksum Write(Checksum old, FileHeader header, string path)
    {
        if (!header.IsRegularFile)
        {
            return _transaction.WriteContent(header, null, 0);
        }

        using var content = _repo.Objects.OpenContent(old);
        return _transaction.WriteContent(header, _progress.Track(content.Content, path), content.Size);
    }
}
