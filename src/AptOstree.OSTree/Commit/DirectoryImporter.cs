using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>Reads a directory tree from disk into content objects and a <see cref="MutableTree"/>.</summary>
internal sealed class DirectoryImporter
{
    private readonly OstreeRepository _repo;
    private readonly RepositoryTransaction _transaction;
    private readonly CommitOptions _options;
    private readonly CommitModifier _modifier;
    private readonly IPosixFileSystem _fs;
    private long _files;

    public DirectoryImporter(OstreeRepository repository, RepositoryTransaction transaction, CommitOptions options)
    {
        _repo = repository;
        _transaction = transaction;
        _options = options;
        _modifier = new CommitModifier(repository, options);
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

        var root = _modifier.Apply("/", st.Uid, st.Gid, st.Mode);
        if (root is not null)
        {
            ImportDirectory(directory, "/", root.Value, tree);
        }
    }

    /// <param name="path">Where the directory is on disk.</param>
    /// <param name="treePath">Where it is in the committed tree, as the commit filter sees it.</param>
    /// <param name="meta">Its owner and mode after the commit filter.</param>
    /// <param name="tree">The tree to fill.</param>
    private void ImportDirectory(string path, string treePath, (uint Uid, uint Gid, uint Mode) meta, MutableTree tree)
    {
        tree.Meta = _modifier.Directory(meta.Uid, meta.Gid, meta.Mode, ReadXattrs(path));
        var names = _fs.ListDirectory(path);
        foreach (var name in names)
        {
            string child = path == "/" ? "/" + name : path + "/" + name;
            string treeChild = _modifier.Filter is null ? string.Empty : treePath == "/" ? "/" + name : treePath + "/" + name;
            var cst = _fs.GetStatus(child);
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
                ImportDirectory(child, treeChild, kept, tree.GetOrCreateDirectory(name));
            }
            else
            {
                tree.SetFile(name, ImportFile(child, cst, kept));
                _options.Progress?.Report(new OperationProgress("commit", ++_files, null, ProgressUnit.Files));
            }
        }
    }

    private Checksum ImportFile(string path, PosixFileStatus st, (uint Uid, uint Gid, uint Mode) meta)
    {
        if (_modifier.Filter is null && _options.DevInoCache is { } cache && cache.TryGet(st.Device, st.Inode, out var cached) && TryReuse(path, st, cached))
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
        return _transaction.WriteContent(header, stream, st.Size);
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

    private IReadOnlyList<ExtendedAttribute> ReadXattrs(string path) =>
        _modifier.SkipXattrs ? [] : ObjectStore.ReadXattrsFromInode(_fs, path);
}
