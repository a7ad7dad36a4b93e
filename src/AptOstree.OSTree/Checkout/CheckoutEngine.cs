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
    private readonly OstreeRepository _repo;
    private readonly CheckoutOptions _options;
    private readonly IPosixFileSystem _fs;
    private readonly bool _userMode;
    private readonly bool _canHardlink;
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
        if (parent is not null && !Directory.Exists(parent))
        {
            Directory.CreateDirectory(parent);
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
            Directory.CreateDirectory(path);
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

    private void CheckoutDirectory(string path, Checksum treeChecksum, Checksum metaChecksum, int depth)
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

        // The first levels fan out over the cores; deeper levels run inline.
        if (depth < 3 && tree.Directories.Count > 1 && _parallelOptions.MaxDegreeOfParallelism > 1)
        {
            try
            {
                Parallel.ForEach(tree.Directories, _parallelOptions, dir => CheckoutDirectory(path + "/" + dir.Name, dir.TreeChecksum, dir.MetaChecksum, depth + 1));
            }
            catch (AggregateException ex)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
                throw;
            }
        }
        else
        {
            foreach (var dir in tree.Directories)
            {
                CheckoutDirectory(path + "/" + dir.Name, dir.TreeChecksum, dir.MetaChecksum, depth + 1);
            }
        }

        if (created)
        {
            if (!_userMode)
            {
                _fs.SetOwner(path, meta.Uid, meta.Gid);
            }

            uint perms = meta.Mode & UnixMode.PermissionMask;
            if (_options.BareUserOnlyDirectories || _repo.Mode == RepoMode.BareUserOnly)
            {
                perms &= 0x1FD;
            }

            _fs.SetPermissions(path, perms);
            if (!_options.ForceCopy)
            {
                _fs.SetModificationTime(path, 0, 0);
            }
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

        _fs.CreateNode(target, 0x2000 | 0x1A4, 0);
    }

    /// <summary>mkdir; true when newly created. An existing real directory is accepted only in union modes.</summary>
    internal bool CreateDirectory(string path)
    {
        try
        {
            _fs.CreateDirectory(path, 0x1C0);
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
                    _fs.CreateDirectory(path, 0x1C0);
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
        if (_canHardlink && !symlinkAsFile && !zeroSize && content.LoosePath is not null)
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
                using (var output = _fs.CreateFile(tmp, 0x180))
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
                    perms |= 0x100;
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

        if (_repo.Mode == RepoMode.BareUser && (!st.IsRegularFile || UnixMode.IsSymlink(ReadUserMetaMode(objectPath) ?? 0)))
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

    private static unsafe uint? ReadUserMetaMode(string objectPath)
    {
        byte* buffer = stackalloc byte[512];
        nint n = OstreeNative.Lgetxattr(objectPath, "user.ostreemeta", buffer, 512);
        return n >= 12 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(buffer + 8, 4)) : null;
    }

    private bool TryHardlink(string objectPath, string dir, string dest)
    {
        if (_options.Overwrite == CheckoutOverwriteMode.UnionFiles)
        {
            string tmp = $"{dir}/.ostree-checkout-{Environment.ProcessId}-{Interlocked.Increment(ref _tmpCounter)}";
            if (OstreeNative.Link(objectPath, tmp) != 0)
            {
                return false;
            }

            Place(tmp, dest);
            return true;
        }

        if (OstreeNative.Link(objectPath, dest) == 0)
        {
            return true;
        }

        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
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
                if (OstreeNative.Link(tmp, dest) != 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != PosixErrno.EEXIST)
                {
                    throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"Could not create {dest}.");
                }

                _fs.Delete(tmp);
                break;
            default:
                if (OstreeNative.Link(tmp, dest) != 0)
                {
                    int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    _fs.Delete(tmp);
                    throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, errno == PosixErrno.EEXIST ? $"File exists: {dest}" : $"Could not create {dest} (errno {errno}).");
                }

                _fs.Delete(tmp);
                break;
        }
    }

    /// <summary>rm -rf without ever following a symlink.</summary>
    private void RemoveRecursive(string path)
    {
        if (!_fs.TryGetStatus(path, out var st))
        {
            return;
        }

        if (st.IsDirectory)
        {
            foreach (var child in _fs.ListDirectory(path))
            {
                RemoveRecursive(path + "/" + child);
            }
        }

        _fs.Delete(path);
    }
}
