using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// Reads a directory tree from disk into content objects and a <see cref="MutableTree"/> (libostree's
/// <c>write_directory_to_mtree</c>): a directory is merged into an existing one of the same name (its metadata
/// replaced), a file replaces a file, and a file meeting a directory (or the reverse) fails. The walk is iterative and
/// relative to open directory handles (names as bytes), so depth and PATH_MAX do not limit it; a name that is not UTF-8
/// is refused as libostree refuses it.
/// </summary>
internal sealed class DirectoryImporter
{
    private readonly OstreeRepository _repo;
    private readonly RepositoryTransaction _transaction;
    private readonly ImportModifier _modifier;
    private readonly ImportProgress _progress;

    public DirectoryImporter(OstreeRepository repository, RepositoryTransaction transaction, ImportModifier modifier, ImportProgress progress)
    {
        _repo = repository;
        _transaction = transaction;
        _modifier = modifier;
        _progress = progress;
    }

    public void Import(string directory, MutableTree tree)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory).TrimEnd('/');
        if (directory.Length == 0)
        {
            directory = "/";
        }

        var fs = _repo.FileSystem;
        var st = fs.GetStatus(directory);
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

        var frames = new Stack<Frame>();
        try
        {
            var handle = fs.OpenDirectory(directory);
            var xattrs = _modifier.SkipXattrs && !_modifier.Options.OverlayWhiteouts ? [] : ObjectStore.ReadXattrsFromInode(fs, directory);
            frames.Push(Enter(handle, "/", root, xattrs, tree));
            while (frames.TryPeek(out var frame))
            {
                _progress.ThrowIfCancellationRequested();
                if (frame.Next >= frame.Names.Count)
                {
                    frames.Pop().Handle.Dispose();
                    continue;
                }

                var nameBytes = frame.Names[frame.Next++];
                if (ImportEntry(frame, nameBytes) is { } child)
                {
                    frames.Push(child);
                }
            }
        }
        finally
        {
            while (frames.TryPop(out var frame))
            {
                frame.Handle.Dispose();
            }
        }
    }

    /// <summary>Sets the directory's metadata and lists its names (sorted, as libostree iterates them into the tree).</summary>
    private Frame Enter(IPosixDirectory handle, string treePath, (uint Uid, uint Gid, uint Mode) meta, IReadOnlyList<ExtendedAttribute> xattrs, MutableTree tree)
    {
        if (_modifier.TakeOpaqueMarker(ref xattrs))
        {
            tree.Opaque = true;
        }

        tree.Meta = _modifier.Directory(meta.Uid, meta.Gid, meta.Mode, xattrs);
        var names = handle.ListNames().ToList();
        names.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return new Frame(handle, names, treePath, tree);
    }

    /// <returns>The frame of a subdirectory to descend into, or null.</returns>
    private Frame? ImportEntry(Frame frame, byte[] nameBytes)
    {
        var name = Utf8Name(frame, nameBytes);
        var treeChild = frame.TreePath == "/" ? "/" + name : frame.TreePath + "/" + name;
        var st = frame.Handle.GetStatus(nameBytes);
        if (!st.IsDirectory && _modifier.WhiteoutTarget(name, st.FileType == PosixFileType.CharacterDevice, st.RDevice) is { } whiteout)
        {
            if (whiteout.Length == 0)
            {
                frame.Tree.Opaque = true;
            }
            else
            {
                frame.Tree.AddWhiteout(whiteout);
            }

            return null;
        }

        if (!st.IsDirectory && !st.IsRegularFile && !st.IsSymbolicLink)
        {
            throw new AptOstreeException(OstreeErrorCodes.UnsupportedFileType, $"{frame.Handle.DisplayPath}/{name} is a {st.FileType}; OSTree can only store regular files, symlinks and directories.");
        }

        if (_modifier.Apply(treeChild, st.Uid, st.Gid, st.Mode) is not { } kept)
        {
            return null;
        }

        if (st.IsDirectory)
        {
            var subtree = frame.Tree.GetOrCreateDirectory(name);
            var xattrs = ReadXattrs(frame.Handle, nameBytes);
            return Enter(frame.Handle.OpenDirectory(nameBytes), treeChild, kept, xattrs, subtree);
        }

        frame.Tree.ReplaceFile(name, ImportFile(frame, nameBytes, name, st, kept));
        _progress.FileDone(treeChild);
        return null;
    }

    private Checksum ImportFile(Frame frame, byte[] nameBytes, string name, PosixFileStatus st, (uint Uid, uint Gid, uint Mode) meta)
    {
        if (_modifier.Filter is null && _modifier.Options.DevInoCache is { } cache && cache.TryGet(st.Device, st.Inode, out var cached) && TryReuse(frame, nameBytes, st, cached))
        {
            return cached;
        }

        var xattrs = ReadXattrs(frame.Handle, nameBytes);
        if (st.IsSymbolicLink)
        {
            var target = TarPath.TryDecodeUtf8(frame.Handle.ReadSymbolicLink(nameBytes))
                ?? throw new InvalidFormatException(OstreeErrorCodes.InvalidFileName, $"{frame.Handle.DisplayPath}/{name}: Invalid UTF-8 in symlink target; OSTree stores it as UTF-8 text.", null, frame.Handle.DisplayPath, name);
            return _transaction.WriteContent(_modifier.File(meta.Uid, meta.Gid, meta.Mode, target, xattrs), null, 0);
        }

        var header = _modifier.File(meta.Uid, meta.Gid, meta.Mode, string.Empty, xattrs);
        using var stream = frame.Handle.OpenRead(nameBytes);
        return _transaction.WriteContent(header, _progress.Track(stream, name), st.Size);
    }

    private bool TryReuse(Frame frame, byte[] nameBytes, PosixFileStatus st, Checksum cached)
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
            : _modifier.File(st.Uid, st.Gid, st.Mode, stored.SymlinkTarget, _modifier.SkipXattrs ? [] : ReadXattrs(frame.Handle, nameBytes));
        return wanted.Uid == stored.Uid && wanted.Gid == stored.Gid && wanted.Mode == stored.Mode
            && wanted.Xattrs.Count == stored.Xattrs.Count
            && wanted.Xattrs.Zip(stored.Xattrs).All(p => p.First.Name == p.Second.Name && p.First.Value.AsSpan().SequenceEqual(p.Second.Value));
    }

    /// <summary>The bytes of regular files below <paramref name="directory"/> (the progress total), by a stat-only walk.</summary>
    private long MeasureContent(string directory)
    {
        long total = 0;
        var frames = new Stack<(IPosixDirectory Handle, IReadOnlyList<byte[]> Names, int Next)>();
        try
        {
            var root = _repo.FileSystem.OpenDirectory(directory);
            frames.Push((root, root.ListNames(), 0));
            while (frames.TryPop(out var frame))
            {
                _progress.ThrowIfCancellationRequested();
                if (frame.Next >= frame.Names.Count)
                {
                    frame.Handle.Dispose();
                    continue;
                }

                var name = frame.Names[frame.Next];
                frames.Push((frame.Handle, frame.Names, frame.Next + 1));
                var st = frame.Handle.GetStatus(name);
                if (st.IsDirectory)
                {
                    var child = frame.Handle.OpenDirectory(name);
                    frames.Push((child, child.ListNames(), 0));
                }
                else if (st.IsRegularFile)
                {
                    total += st.Size;
                }
            }
        }
        finally
        {
            while (frames.TryPop(out var frame))
            {
                frame.Handle.Dispose();
            }
        }

        return total;
    }

    private static string Utf8Name(Frame frame, byte[] nameBytes) =>
        TarPath.TryDecodeUtf8(nameBytes) ?? throw new InvalidFormatException(
            OstreeErrorCodes.InvalidFileName,
            $"{frame.Handle.DisplayPath}/{TarPath.Escape(nameBytes)}: Invalid UTF-8 in filename; OSTree stores names as UTF-8 text.",
            null,
            frame.Handle.DisplayPath,
            TarPath.Escape(nameBytes));

    /// <summary>The entry's extended attributes with non-empty values, canonically ordered.</summary>
    private IReadOnlyList<ExtendedAttribute> ReadXattrs(IPosixDirectory parent, byte[] name)
    {
        if (_modifier.SkipXattrs && !_modifier.Options.OverlayWhiteouts)
        {
            return [];
        }

        List<ExtendedAttribute>? attributes = null;
        foreach (var attribute in parent.ListExtendedAttributes(name))
        {
            if (parent.GetExtendedAttribute(name, attribute) is { Length: > 0 } value)
            {
                (attributes ??= []).Add(new ExtendedAttribute(attribute, value));
            }
        }

        return attributes is null ? [] : ExtendedAttribute.Canonicalize(attributes);
    }

    /// <summary>One open directory of the walk: its remaining names and where it goes in the tree.</summary>
    private sealed class Frame(IPosixDirectory handle, List<byte[]> names, string treePath, MutableTree tree)
    {
        public IPosixDirectory Handle { get; } = handle;

        public List<byte[]> Names { get; } = names;

        public string TreePath { get; } = treePath;

        public MutableTree Tree { get; } = tree;

        public int Next { get; set; }
    }
}
