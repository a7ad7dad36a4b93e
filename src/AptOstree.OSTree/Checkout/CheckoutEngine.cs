using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// Materializes a commit as a directory tree. Every name comes from a validated dirtree (one safe component),
/// every directory we descend into is verified to be a real directory (never a symlink), and files are created
/// with link/rename, which never follow a final symlink — so nothing outside the destination is touched.
/// </summary>
internal sealed class CheckoutEngine
{
    private const string OpaqueWhiteout = ".wh..wh..opq";
    private const int ParallelLevels = 3;
    private readonly OstreeRepository _repo;
    private readonly CheckoutOptions _options;
    private readonly IPosixFileSystem _fs;
    private readonly bool _userMode;
    private readonly bool _canHardlink;
    private readonly bool _useUncompressedCache;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Checksum, DirMeta> _dirMetas = new();
    private readonly ParallelOptions _parallelOptions;
    private readonly IProgress<OperationProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private int _tmpCounter;
    private long _filesDone;
    private long? _filesTotal;

    public CheckoutEngine(OstreeRepository repository, CheckoutOptions options, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _progress = progress;
        _cancellationToken = cancellationToken;
        _repo = repository;
        _options = options;
        _fs = repository.FileSystem;
        _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveParallelism };
        _userMode = options.Mode == CheckoutMode.User || repository.Mode == RepoMode.BareUserOnly;
        _canHardlink = !options.ForceCopy && repository.Mode switch
        {
            RepoMode.Bare or RepoMode.BareSplitXattrs => !_userMode,
            RepoMode.BareUser or RepoMode.BareUserOnly => _userMode,
            _ => false,
        };
        _useUncompressedCache = options.UseUncompressedCache && !options.ForceCopy && _userMode && repository.Mode == RepoMode.Archive
            && repository.Config.GetBoolean("core", "enable-uncompressed-cache", true);
        if (options.RequireHardlinks && !_canHardlink)
        {
            throw new AptOstreeException(OstreeErrorCodes.HardlinkImpossible, repository.Mode switch
            {
                RepoMode.BareUser or RepoMode.BareUserOnly => "User repository mode requires user checkout mode to hardlink.",
                RepoMode.Archive => "Archive repositories cannot be checked out with hard links.",
                _ => "Bare repository mode cannot hardlink in user checkout mode.",
            });
        }
    }

    public void CheckoutCommit(Checksum commit, string destination)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(destination);
        destination = Path.GetFullPath(destination).TrimEnd('/');
        var c = _repo.Objects.ReadCommit(commit, verify: true);
        Checksum tree = c.RootTree, meta = c.RootMeta;
        string? subpath = _options.Subpath?.Trim('/');
        if (!string.IsNullOrEmpty(subpath))
        {
            var parts = subpath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < parts.Length; i++)
            {
                var dirtree = _repo.Objects.ReadDirTree(tree);
                if (dirtree.FindDirectory(parts[i]) is { } d)
                {
                    (tree, meta) = (d.TreeChecksum, d.MetaChecksum);
                }
                else if (i == parts.Length - 1 && dirtree.FindFile(parts[i]) is { } f)
                {
                    EnsureDestinationDirectory(destination);
                    CheckoutFile(destination, parts[i], f.Checksum);
                    return;
                }
                else
                {
                    throw new AptOstreeException(OstreeErrorCodes.PathNotFound, $"No such file or directory: /{subpath} in commit {commit}.");
                }
            }
        }

        string? parent = Path.GetDirectoryName(destination);
        if (parent is not null)
        {
            // 0777 less the umask, as Directory.CreateDirectory made them.
            _fs.CreateDirectories(parent, PosixPermissions.All);
        }

        if (_options.RequireHardlinks && parent is not null && _fs.GetStatus(parent).Device != _fs.GetStatus(_repo.Objects.Directory).Device)
        {
            throw new AptOstreeException(OstreeErrorCodes.HardlinkImpossible, $"Unable to do hardlink checkout across devices ({destination} vs {_repo.Path}).");
        }

        if (_progress is not null)
        {
            _filesTotal = CountFiles(tree);
        }

        CheckoutDirectory(destination, tree, meta);
        _progress?.Report(new OperationProgress("checkout", _filesDone, _filesDone, ProgressUnit.Files));
    }

    /// <summary>One file checked out: checks for cancellation and reports progress every 256 files (any thread).</summary>
    internal void FileDone(string dir, string name)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var done = Interlocked.Increment(ref _filesDone);
        if (_progress is not null && (done & 255) == 0)
        {
            _progress.Report(new OperationProgress("checkout", done, _filesTotal, ProgressUnit.Files, dir + "/" + name));
        }
    }

    /// <summary>The files a checkout of <paramref name="tree"/> writes (the progress total), from the dirtrees alone.</summary>
    private long CountFiles(Checksum tree)
    {
        long count = 0;
        var pending = new Stack<Checksum>();
        pending.Push(tree);
        while (pending.TryPop(out var next))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var dirtree = _repo.Objects.ReadDirTree(next);
            count += dirtree.Files.Count;
            foreach (var d in dirtree.Directories)
            {
                pending.Push(d.TreeChecksum);
            }
        }

        return count;
    }

    private void EnsureDestinationDirectory(string path)
    {
        if (!_fs.TryGetStatus(path, out var st))
        {
            _fs.CreateDirectories(path, PosixPermissions.All);
        }
        else if (!st.IsDirectory)
        {
            throw new UnsafePathException(path, path, "the checkout destination exists and is not a directory");
        }
    }

    private void CheckoutDirectory(string path, Checksum treeChecksum, Checksum metaChecksum)
    {
        if (HardlinkCheckoutWalker.Handles(_repo, _options, _canHardlink))
        {
            new HardlinkCheckoutWalker(this, _repo, _options, _userMode, _options.EffectiveParallelism).Run(path, treeChecksum, metaChecksum);
            return;
        }

        CheckoutDirectory(path, treeChecksum, metaChecksum, 0);
    }

    /// <summary>
    /// The first levels fan out over the cores (a recursion bounded by <see cref="ParallelLevels"/>); below them each
    /// subtree is walked with an explicit stack, since a tree's depth is input.
    /// </summary>
    private void CheckoutDirectory(string path, Checksum treeChecksum, Checksum metaChecksum, int depth)
    {
        if (depth >= ParallelLevels)
        {
            CheckoutSubtree(OpenDirectory(path, treeChecksum, metaChecksum));
            return;
        }

        var frame = OpenDirectory(path, treeChecksum, metaChecksum);
        var dirs = frame.Tree.Directories;
        if (dirs.Count > 1 && _parallelOptions.MaxDegreeOfParallelism > 1)
        {
            try
            {
                Parallel.ForEach(dirs, _parallelOptions, dir => CheckoutDirectory(path + "/" + dir.Name, dir.TreeChecksum, dir.MetaChecksum, depth + 1));
            }
            catch (AggregateException ex)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
                throw;
            }
        }
        else
        {
            foreach (var dir in dirs)
            {
                CheckoutDirectory(path + "/" + dir.Name, dir.TreeChecksum, dir.MetaChecksum, depth + 1);
            }
        }

        FinishDirectory(frame);
    }

    /// <summary>Depth-first below an opened directory: each directory is finished once everything below it is.</summary>
    private void CheckoutSubtree(DirectoryFrame root)
    {
        var stack = new Stack<DirectoryFrame>();
        stack.Push(root);
        while (stack.TryPeek(out var frame))
        {
            if (frame.NextDirectory < frame.Tree.Directories.Count)
            {
                var dir = frame.Tree.Directories[frame.NextDirectory++];
                stack.Push(OpenDirectory(frame.Path + "/" + dir.Name, dir.TreeChecksum, dir.MetaChecksum));
                continue;
            }

            FinishDirectory(stack.Pop());
        }
    }

    /// <summary>Creates the directory (or joins an existing one in union modes), applies whiteouts and xattrs, checks its files out.</summary>
    private DirectoryFrame OpenDirectory(string path, Checksum treeChecksum, Checksum metaChecksum)
    {
        var meta = _dirMetas.GetOrAdd(metaChecksum, m => ReadVerified(m, ObjectType.DirMeta, (b, n) => DirMeta.Parse(b, n, requireNormalForm: false)));
        var tree = ReadVerified(treeChecksum, ObjectType.DirTree, (b, n) => DirTree.Parse(b, n, requireNormalForm: false));
        bool created = CreateDirectory(path);
        if (!created && _options.ProcessWhiteouts && tree.FindFile(OpaqueWhiteout) is not null)
        {
            foreach (var child in _fs.ListDirectory(path))
            {
                RemoveRecursive(path + "/" + child);
            }
        }

        if (created && !_userMode)
        {
            foreach (var x in meta.Xattrs)
            {
                _fs.SetExtendedAttribute(path, x.Name, x.Value);
            }
        }

        foreach (var file in tree.Files)
        {
            string name = file.Name;
            if (_options.ProcessWhiteouts && name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                if (name != OpaqueWhiteout)
                {
                    string victim = DirTree.ValidateName(name[4..], ObjectStore.Name(treeChecksum, ObjectType.DirTree));
                    RemoveRecursive(path + "/" + victim);
                }

                continue;
            }

            if (_options.ProcessPassthroughWhiteouts && name.StartsWith(".ostree-wh.", StringComparison.Ordinal))
            {
                CreatePassthroughWhiteout(path, name, treeChecksum);
                continue;
            }

            CheckoutFile(path, name, file.Checksum);
            FileDone(path, name);
        }

        return new DirectoryFrame(path, meta, tree, created);
    }

    /// <summary>Owner, mode and mtime of a directory this checkout created, once its contents are in place (as ostree does).</summary>
    private void FinishDirectory(DirectoryFrame frame)
    {
        if (!frame.Created)
        {
            return;
        }

        string path = frame.Path;
        var meta = frame.Meta;
        if (!_userMode)
        {
            _fs.SetOwner(path, meta.Uid, meta.Gid);
        }

        uint perms = meta.Mode & UnixMode.PermissionMask;
        if (_options.BareUserOnlyDirectories || _repo.Mode == RepoMode.BareUserOnly)
        {
            perms &= UnixMode.UserOnlyPermissionMask;
        }

        _fs.SetPermissions(path, perms);
        if (!_options.ForceCopy)
        {
            _fs.SetModificationTime(path, 0, 0);
        }
    }

    /// <summary><c>.ostree-wh.NAME</c> becomes a 0:0 character device NAME, replacing whatever is there.</summary>
    internal void CreatePassthroughWhiteout(string dir, string name, Checksum treeChecksum)
    {
        string target = dir + "/" + DirTree.ValidateName(name[".ostree-wh.".Length..], ObjectStore.Name(treeChecksum, ObjectType.DirTree));
        if (_fs.TryGetStatus(target, out _))
        {
            RemoveRecursive(target);
        }

        _fs.CreateNode(target, UnixMode.CharacterDevice | PosixPermissions.File, 0);
    }

    /// <summary>mkdir; true when newly created. An existing real directory is accepted only in union modes.</summary>
    internal bool CreateDirectory(string path)
    {
        try
        {
            _fs.CreateDirectory(path, PosixPermissions.OwnerOnlyDirectory);
            return true;
        }
        catch (PosixException ex) when (ex.IsAlreadyExists)
        {
            var st = _fs.GetStatus(path);
            if (_options.Overwrite == CheckoutOverwriteMode.None)
            {
                throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"mkdirat: File exists: {path}");
            }

            if (!st.IsDirectory)
            {
                if (_options.ProcessWhiteouts)
                {
                    _fs.Delete(path);
                    _fs.CreateDirectory(path, PosixPermissions.OwnerOnlyDirectory);
                    return true;
                }

                throw new UnsafePathException(path, path, $"a {st.FileType} is in the way of a directory of the commit; refusing to follow it");
            }

            return false;
        }
    }

    private T ReadVerified<T>(Checksum checksum, ObjectType type, Func<byte[], string, T> parse)
    {
        // Hash-verified (a flipped byte is caught and named); normal form is left to fsck.
        byte[] bytes = _repo.Objects.ReadMetadataBytes(checksum, type, verify: true);
        return parse(bytes, ObjectStore.Name(checksum, type));
    }

    internal void CheckoutFile(string dir, string name, Checksum checksum)
    {
        string dest = dir + "/" + name;
        if (_canHardlink && TryFastHardlink(dir, dest, checksum))
        {
            return;
        }

        using var content = _repo.Objects.OpenContent(checksum, headerOnly: true);
        var header = content.Header;
        bool symlinkAsFile = header.IsSymlink && _repo.Mode == RepoMode.BareUser;
        bool zeroSize = header.IsRegularFile && content.Size == 0;
        bool unreadable = header.IsRegularFile && IsUnreadableInUserMode(header.Mode);
        if (_useUncompressedCache && header.IsRegularFile && !zeroSize && !unreadable && TryLinkFromUncompressedCache(dir, dest, checksum, header))
        {
            return;
        }

        if (_canHardlink && !symlinkAsFile && !zeroSize && !unreadable && content.LoosePath is not null)
        {
            if (TryHardlink(content.LoosePath, dir, dest))
            {
                if (_options.DevInoCache is { } cache)
                {
                    var st = _fs.GetStatus(content.LoosePath);
                    cache.Add(st.Device, st.Inode, checksum);
                }

                return;
            }

            if (_options.RequireHardlinks)
            {
                throw new AptOstreeException(OstreeErrorCodes.HardlinkImpossible, $"Hard link of {ObjectStore.Name(checksum, ObjectType.File)} to {dest} failed and hard links are required.");
            }
        }

        if (_options.Overwrite == CheckoutOverwriteMode.AddFiles && _fs.TryGetStatus(dest, out _))
        {
            return;
        }

        string tmp = $"{dir}/.ostree-checkout-{Environment.ProcessId}-{Interlocked.Increment(ref _tmpCounter)}";
        try
        {
            if (header.IsSymlink)
            {
                _fs.CreateSymbolicLink(header.SymlinkTarget, tmp);
                if (!_userMode)
                {
                    _fs.SetOwner(tmp, header.Uid, header.Gid);
                    foreach (var x in header.Xattrs)
                    {
                        _fs.SetExtendedAttribute(tmp, x.Name, x.Value);
                    }
                }
            }
            else
            {
                using (var full = _repo.Objects.OpenContent(checksum))
                using (var output = _fs.CreateFile(tmp, PosixPermissions.OwnerOnlyFile))
                {
                    try
                    {
                        // Copies are verified on the way: a corrupt object never lands silently in a checkout.
                        using var hashing = new HashingStream(full.Content, full.Header);
                        hashing.CopyTo(output, 128 * 1024);
                        if (hashing.Finish() != checksum)
                        {
                            throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, ObjectStore.Name(checksum, ObjectType.File), "corrupted object: content does not match its checksum");
                        }
                    }
                    catch (InvalidDataException ex)
                    {
                        throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, ObjectStore.Name(checksum, ObjectType.File), "compressed content is corrupt: " + ex.Message, ex);
                    }

                    if (output.Length != full.Size)
                    {
                        throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, ObjectStore.Name(checksum, ObjectType.File), $"content is {output.Length} bytes, its header says {full.Size}");
                    }
                }

                uint perms = header.Mode & UnixMode.PermissionMask;
                if (_userMode)
                {
                    perms &= ~(UnixMode.SetUid | UnixMode.SetGid);
                    perms |= UnixMode.OwnerRead;
                }
                else
                {
                    _fs.SetOwner(tmp, header.Uid, header.Gid);
                    foreach (var x in header.Xattrs)
                    {
                        _fs.SetExtendedAttribute(tmp, x.Name, x.Value);
                    }
                }

                _fs.SetPermissions(tmp, perms);
            }

            Place(tmp, dest);
        }
        catch
        {
            if (_fs.TryGetStatus(tmp, out _))
            {
                _fs.Delete(tmp);
            }

            throw;
        }
    }

    /// <summary>
    /// The common case without parsing the object header: one statx of the object (and for bare-user one xattr
    /// read to tell symlinks apart), then link. False means "take the general path".
    /// </summary>
    private bool TryFastHardlink(string dir, string dest, Checksum checksum)
    {
        string objectPath = _repo.Objects.GetLoosePath(checksum, ObjectType.File);
        if (!_fs.TryGetStatus(objectPath, out var st) || (st.IsRegularFile && st.Size == 0))
        {
            return false;
        }

        if (_repo.Mode == RepoMode.BareUser)
        {
            uint mode = st.IsRegularFile ? ReadUserMetaMode(objectPath) ?? 0 : 0;
            if (!st.IsRegularFile || UnixMode.IsSymlink(mode) || IsUnreadableInUserMode(mode))
            {
                return false;
            }
        }
        else if (st.IsRegularFile && IsUnreadableInUserMode(st.Mode))
        {
            return false;
        }

        if (!TryHardlink(objectPath, dir, dest))
        {
            return false;
        }

        _options.DevInoCache?.Add(st.Device, st.Inode, checksum);
        return true;
    }

    /// <summary>
    /// libostree's rule (<c>checkout_one_file_at</c>): a user-mode checkout never links a file its owner cannot read
    /// (no <c>S_IRUSR</c>); it copies it with <c>S_IRUSR</c> added, so the checkout can read it without the object
    /// changing mode under the repository.
    /// </summary>
    internal bool IsUnreadableInUserMode(uint mode) => _userMode && (mode & (uint)UnixFileMode.UserRead) == 0;

    /// <summary>
    /// Archive repositories in user mode (<c>ostree checkout</c> without <c>--disable-cache</c>): the file is
    /// uncompressed once into <c>uncompressed-objects-cache/XX/REST.file</c> (without setuid/setgid, verified on the
    /// way) and hard-linked from there, so identical files share an inode, as libostree does. False means "copy".
    /// </summary>
    private bool TryLinkFromUncompressedCache(string dir, string dest, Checksum checksum, FileHeader header)
    {
        string hex = checksum.ToString();
        string cacheDirectory = $"{_repo.Path}/uncompressed-objects-cache/{hex[..2]}";
        string cached = $"{cacheDirectory}/{hex[2..]}.file";
        bool existed = _fs.TryGetStatus(cached, out _);
        if (!existed)
        {
            AddToUncompressedCache(checksum, header, cacheDirectory, cached);
        }

        if (!TryHardlink(cached, dir, dest))
        {
            return false;
        }

        if (existed && _options.DevInoCache is { } cache)
        {
            var st = _fs.GetStatus(cached);
            cache.Add(st.Device, st.Inode, checksum);
        }

        return true;
    }

    private void AddToUncompressedCache(Checksum checksum, FileHeader header, string cacheDirectory, string cached)
    {
        string tmp = $"{_repo.Path}/tmp/uncompressed-{Environment.ProcessId}-{Interlocked.Increment(ref _tmpCounter)}";
        try
        {
            using (var full = _repo.Objects.OpenContent(checksum))
            using (var output = _fs.CreateFile(tmp, PosixPermissions.OwnerOnlyFile))
            {
                using var hashing = new HashingStream(full.Content, full.Header);
                hashing.CopyTo(output, 128 * 1024);
                if (hashing.Finish() != checksum)
                {
                    throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, ObjectStore.Name(checksum, ObjectType.File), "corrupted object: content does not match its checksum");
                }
            }

            if (_repo.Fsync)
            {
                _fs.Sync(tmp);
            }

            _fs.SetPermissions(tmp, header.Mode & UnixMode.PermissionMask & ~(UnixMode.SetUid | UnixMode.SetGid));
            foreach (string directory in new[] { $"{_repo.Path}/uncompressed-objects-cache", cacheDirectory })
            {
                try
                {
                    _fs.CreateDirectory(directory, UnixMode.UserOnlyPermissionMask);
                }
                catch (PosixException ex) when (ex.IsAlreadyExists)
                {
                }
            }

            // Another thread or process may have cached the same object meanwhile; either copy is the same file.
            try
            {
                _fs.CreateHardLink(tmp, cached);
            }
            catch (PosixException ex) when (ex.IsAlreadyExists)
            {
            }
        }
        catch (InvalidDataException ex)
        {
            throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, ObjectStore.Name(checksum, ObjectType.File), "compressed content is corrupt: " + ex.Message, ex);
        }
        finally
        {
            if (_fs.TryGetStatus(tmp, out _))
            {
                _fs.Delete(tmp);
            }
        }
    }

    private uint? ReadUserMetaMode(string objectPath)
    {
        byte[]? meta;
        try
        {
            meta = _fs.GetExtendedAttribute(objectPath, "user.ostreemeta");
        }
        catch (PosixException)
        {
            return null;
        }

        return meta is { Length: >= 12 } ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(meta.AsSpan(8, 4)) : null;
    }

    /// <summary><c>link</c>; false instead of an exception, with the errno.</summary>
    private bool TryLink(string existingPath, string newPath, out int errno)
    {
        try
        {
            _fs.CreateHardLink(existingPath, newPath);
            errno = 0;
            return true;
        }
        catch (PosixException ex)
        {
            errno = ex.Errno;
            return false;
        }
    }

    private bool TryHardlink(string objectPath, string dir, string dest)
    {
        if (_options.Overwrite == CheckoutOverwriteMode.UnionFiles)
        {
            string tmp = $"{dir}/.ostree-checkout-{Environment.ProcessId}-{Interlocked.Increment(ref _tmpCounter)}";
            if (!TryLink(objectPath, tmp, out _))
            {
                return false;
            }

            Place(tmp, dest);
            return true;
        }

        // An entry already there is kept in add-files mode: one lstat instead of a failed link's exception per file.
        if (_options.Overwrite == CheckoutOverwriteMode.AddFiles && _fs.TryGetStatus(dest, out _))
        {
            return true;
        }

        if (TryLink(objectPath, dest, out int errno))
        {
            return true;
        }

        if (errno == PosixErrno.EEXIST)
        {
            if (_options.Overwrite == CheckoutOverwriteMode.AddFiles)
            {
                return true;
            }

            throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"File exists: {dest}");
        }

        return false;
    }

    /// <summary>Moves a finished temporary into place according to the overwrite mode.</summary>
    private void Place(string tmp, string dest)
    {
        switch (_options.Overwrite)
        {
            case CheckoutOverwriteMode.UnionFiles:
                if (_fs.TryGetStatus(dest, out var st) && st.IsDirectory)
                {
                    throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"Cannot replace directory {dest} with a file.");
                }

                _fs.Rename(tmp, dest);
                break;
            case CheckoutOverwriteMode.AddFiles:
                if (!TryLink(tmp, dest, out int addErrno) && addErrno != PosixErrno.EEXIST)
                {
                    throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"Could not create {dest}.");
                }

                _fs.Delete(tmp);
                break;
            default:
                if (!TryLink(tmp, dest, out int errno))
                {
                    _fs.Delete(tmp);
                    throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, errno == PosixErrno.EEXIST ? $"File exists: {dest}" : $"Could not create {dest} (errno {errno}).");
                }

                _fs.Delete(tmp);
                break;
        }
    }

    /// <summary>rm -rf without ever following a symlink; post-order with an explicit stack.</summary>
    private void RemoveRecursive(string path)
    {
        if (!_fs.TryGetStatus(path, out var st))
        {
            return;
        }

        if (!st.IsDirectory)
        {
            _fs.Delete(path);
            return;
        }

        var stack = new Stack<(string Path, bool Listed)>();
        stack.Push((path, false));
        while (stack.TryPop(out var item))
        {
            if (item.Listed)
            {
                _fs.Delete(item.Path);
                continue;
            }

            stack.Push((item.Path, true));
            foreach (var child in _fs.ListDirectory(item.Path))
            {
                string childPath = item.Path + "/" + child;
                if (_fs.TryGetStatus(childPath, out var cst) && cst.IsDirectory)
                {
                    stack.Push((childPath, false));
                }
                else
                {
                    _fs.Delete(childPath);
                }
            }
        }
    }

    /// <summary>One directory of a checkout in progress: what it needs to be finished, and which subdirectory is next.</summary>
    private sealed class DirectoryFrame(string path, DirMeta meta, DirTree tree, bool created)
    {
        public string Path { get; } = path;

        public DirMeta Meta { get; } = meta;

        public DirTree Tree { get; } = tree;

        public bool Created { get; } = created;

        public int NextDirectory { get; set; }
    }
}
