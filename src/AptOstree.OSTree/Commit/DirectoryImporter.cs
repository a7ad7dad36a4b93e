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
            throw new AptOstreeException(OSTreeErrorCodes.UnsupportedFileType, $"{directory} is not a directory.");
        }

        ImportDirectory(directory, st, tree);
    }

    private void ImportDirectory(string path, PosixFileStatus st, MutableTree tree)
    {
        tree.Meta = _modifier.Directory(st.Uid, st.Gid, st.Mode, ReadXattrs(path));
        var names = _fs.ListDirectory(path);
        foreach (var name in names)
        {
            string child = path == "/" ? "/" + name : path + "/" + name;
            var cst = _fs.GetStatus(child);
            if (cst.IsDirectory)
            {
                ImportDirectory(child, cst, tree.GetOrCreateDirectory(name));
            }
            else if (cst.IsRegularFile || cst.IsSymbolicLink)
            {
                tree.SetFile(name, ImportFile(child, cst));
                _options.Progress?.Report(new OperationProgress("commit", ++_files, null, ProgressUnit.Files));
            }
            else
            {
                throw new AptOstreeException(OSTreeErrorCodes.UnsupportedFileType, $"{child} is a {cst.FileType}; OSTree can only store regular files, symlinks and directories.");
            }
        }
    }

    private Checksum ImportFile(string path, PosixFileStatus st)
    {
        if (_options.DevInoCache is { } cache && cache.TryGet(st.Device, st.Inode, out var cached) && TryReuse(path, st, cached))
        {
            return cached;
        }

        if (st.IsSymbolicLink)
        {
            var link = _modifier.File(st.Uid, st.Gid, st.Mode, _fs.ReadSymbolicLink(path), ReadXattrs(path));
            return _transaction.WriteContent(link, null, 0);
        }

        var header = _modifier.File(st.Uid, st.Gid, st.Mode, string.Empty, ReadXattrs(path));
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
