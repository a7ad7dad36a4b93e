using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// Reads a directory tree from disk into content objects and a <see cref="MutableTree"/> (libostree's
/// <c>write_directory_to_mtree</c>): a directory is merged into an existing one of the same name (its metadata
/// replaced), a file replaces a file, and a file meeting a directory (or the reverse) fails. The walk is iterative.
/// </summary>
internal sealed class DirectoryImporter
{
    private readonly OstreeRepository _repo;
    private readonly RepositoryTransaction _transaction;
    private readonly ImportModifier _modifier;
    private readonly ImportProgress _progress;
    private readonly IPosixFileSystem _fs;

    public DirectoryImporter(OstreeRepository repository, RepositoryTransaction transaction, ImportModifier modifier, ImportProgress progress)
    {
        _repo = repository;
        _transaction = transaction;
        _modifier = modifier;
        _progress = progress;
        _fs = repository.FileSystem;
    }

    public void Import(string directory, MutableTree tree)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory).TrimEnd('/');
        if (directory.Length == 0)
        {
            directory = "/";
        }

        var st = _fs.GetStatus(directory);
        if (!st.IsDirectory)
        {
            throw new AptOstreeException(OstreeErrorCodes.UnsupportedFileType, $"{directory} is not a directory.");
        }

        if (_progress.Wanted && _progress.Total is null)
        {
            _progress.Total = MeasureContent(directory);
        }

        if (_modifier.Apply("/", st.Uid, st.Gid, st.Mode) is not { } root)
        {
            return;
        }

        var pending = new Stack<(string Path, string TreePath, (uint Uid, uint Gid, uint Mode) Meta, MutableTree Tree)>();
        pending.Push((directory, "/", root, tree));
        while (pending.TryPop(out var item))
        {
            _progress.ThrowIfCancellationRequested();
            ImportDirectory(item.Path, item.TreePath, item.Meta, item.Tree, pending);
        }
    }

    private void ImportDirectory(string path, string treePath, (uint Uid, uint Gid, uint Mode) meta, MutableTree tree, Stack<(string, string, (uint, uint, uint), MutableTree)> pending)
    {
        var xattrs = ReadXattrs(path);
        if (_modifier.TakeOpaqueMarker(ref xattrs))
        {
            tree.Opaque = true;
        }

        tree.Meta = _modifier.Directory(meta.Uid, meta.Gid, meta.Mode, xattrs);
        foreach (var name in _fs.ListDirectory(path).Order(StringComparer.Ordinal))
        {
            string child = path == "/" ? "/" + name : path + "/" + name;
            string treeChild = treePath == "/" ? "/" + name : treePath + "/" + name;
            var cst = _fs.GetStatus(child);
            if (!cst.IsDirectory && _modifier.WhiteoutTarget(name, cst.FileType == PosixFileType.CharacterDevice, cst.RDevice) is { } whiteout)
            {
                if (whiteout.Length == 0)
                {
                    tree.Opaque = true;
                }
                else
                {
                    tree.AddWhiteout(whiteout);
                }

                continue;
            }

            if (!cst.IsDirectory && !cst.IsRegularFile && !cst.IsSymbolicLink)
            {
                throw new AptOstreeException(OstreeErrorCodes.UnsupportedFileType, $"{child} is a {cst.FileType}; OSTree can only store regular files, symlinks and directories.");
            }

            if (_modifier.Apply(treeChild, cst.Uid, cst.Gid, cst.Mode) is not { } kept)
            {
                continue;
            }

            if (cst.IsDirectory)
            {
                pending.Push((child, treeChild, kept, tree.GetOrCreateDirectory(name)));
            }
            else
            {
                tree.ReplaceFile(name, ImportFile(child, cst, kept));
                _progress.FileDone(treeChild);
            }
        }
    }

    private Checksum ImportFile(string path, PosixFileStatus st, (uint Uid, uint Gid, uint Mode) meta)
    {
        if (_modifier.Filter is null && _modifier.Options.DevInoCache is { } cache && cache.TryGet(st.Device, st.Inode, out var cached) && TryReuse(path, st, cached))
        {
            return cached;
        }

        if (st.IsSymbolicLink)
        {
            var link = _modifier.File(meta.Uid, meta.Gid, meta.Mode, _fs.ReadSymbolicLink(path), ReadXattrs(path));
            return _transaction.WriteContent(link, null, 0);
        }

        var header = _modifier.File(meta.Uid, meta.Gid, meta.Mode, string.Empty, ReadXattrs(path));
        using var stream = _fs.OpenRead(path);
        return _transaction.WriteContent(header, _progress.Track(stream, path), st.Size);
    }

    private bool TryReuse(string path, PosixFileStatus st, Checksum cached)
    {
        FileHeader stored;
        try
        {
            stored = _repo.Objects.ReadContentHeader(cached);
        }
        catch (OstreeObjectException)
        {
            return false;
        }

        // bare-user objects keep the logical owner/mode in user.ostreemeta; bare objects on the inode itself.
        var wanted = _repo.Mode == RepoMode.BareUser
            ? _modifier.File(stored.Uid, stored.Gid, stored.Mode, stored.SymlinkTarget, stored.Xattrs)
            : _modifier.File(st.Uid, st.Gid, st.Mode, stored.SymlinkTarget, _modifier.SkipXattrs ? [] : ReadXattrs(path));
        return wanted.Uid == stored.Uid && wanted.Gid == stored.Gid && wanted.Mode == stored.Mode
            && wanted.Xattrs.Count == stored.Xattrs.Count
            && wanted.Xattrs.Zip(stored.Xattrs).All(p => p.First.Name == p.Second.Name && p.First.Value.AsSpan().SequenceEqual(p.Second.Value));
    }

    /// <summary>The bytes of regular files below <paramref name="directory"/> (the progress total), by a stat-only walk.</summary>
    private long MeasureContent(string directory)
    {
        long total = 0;
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.TryPop(out var path))
        {
            _progress.ThrowIfCancellationRequested();
            foreach (var name in _fs.ListDirectory(path))
            {
                var child = path == "/" ? "/" + name : path + "/" + name;
                if (_fs.TryGetStatus(child, out var st))
                {
                    if (st.IsDirectory)
                    {
                        pending.Push(child);
                    }
                    else if (st.IsRegularFile)
                    {
                        total += st.Size;
                    }
                }
            }
        }

        return total;
    }

    private IReadOnlyList<ExtendedAttribute> ReadXattrs(string path) =>
        _modifier.SkipXattrs && !_modifier.Options.OverlayWhiteouts ? [] : ObjectStore.ReadXattrsFromInode(_fs, path);
}
