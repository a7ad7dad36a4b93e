using AptOstree.Posix;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AptOstree.OSTree;

/// <summary>
/// The hardlink checkout of a fresh destination (no union, no overlay whiteouts; passthrough whiteouts are fine, as
/// deployments use them) from a bare-family repository, with
/// syscalls relative to directory descriptors: <c>mkdirat</c> + <c>openat(O_NOFOLLOW|O_DIRECTORY)</c> per
/// directory, <c>statx</c> + <c>linkat</c> (bare-user: <c>getxattrat</c> + <c>linkat</c>) per file. Directories form
/// a work stack shared by a few worker threads, while a <see cref="DirTreePrefetcher"/> reads dirtrees ahead of them;
/// a directory's owner, mode and mtime are applied once all its children are done, as ostree does. Anything
/// unusual (empty files, failed links) goes to the engine's general path.
/// </summary>
internal sealed unsafe class HardlinkCheckoutWalker
{
    private const int NameStackLimit = 1024;
    private const int UserMetaStackLength = 512;
    private const int ERange = 34;
    private const int ENoSys = 38;
    private const int E2Big = 7;
    private const string PassthroughWhiteoutPrefix = ".ostree-wh.";
    private static readonly byte[] UserMetaXattr = "user.ostreemeta\0"u8.ToArray();
    private readonly CheckoutEngine _engine;
    private readonly OstreeRepository _repo;
    private readonly CheckoutOptions _options;
    private readonly bool _userMode;
    private readonly int _workers;
    private readonly SharedWorkStack<DirectoryJob> _work = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<DirectoryJob> _all = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Checksum, DirMeta> _dirMetas = new();
    private readonly EmptyFileChecksums _emptyFiles = new();

    /// <summary>Set once <c>getxattrat</c> failed as unsupported (old kernel, seccomp); then the full-path call is used.</summary>
    private static volatile bool _getxattrAtUnavailable;

    private LooseObjectDirectories? _objects;
    private DirTreePrefetcher? _prefetcher;

    public HardlinkCheckoutWalker(CheckoutEngine engine, OstreeRepository repository, CheckoutOptions options, bool userMode, int workers)
    {
        _engine = engine;
        _repo = repository;
        _options = options;
        _userMode = userMode;
        _workers = workers;
    }

    /// <summary>True when this walker can do the whole checkout (otherwise the engine's general path does).</summary>
    public static bool Handles(OstreeRepository repository, CheckoutOptions options, bool canHardlink) =>
        canHardlink
        && options.Overwrite == CheckoutOverwriteMode.None
        && !options.ProcessWhiteouts
        && repository.FileSystem is Posix.LibcPosixFileSystem
        && repository.Mode is RepoMode.Bare or RepoMode.BareUser or RepoMode.BareUserOnly or RepoMode.BareSplitXattrs;

    /// <summary>Checks the tree out into <paramref name="destination"/>, which must not exist yet (its parent must).</summary>
    public void Run(string destination, Checksum tree, Checksum meta)
    {
        using var objects = LooseObjectDirectories.Open(_repo.Objects.Directory);
        _objects = objects;
        var root = new DirectoryJob(null, destination, string.Empty, tree, ReadDirMeta(meta));
        _all.Enqueue(root);
        _work.Push([root]);
        if (_workers > 1)
        {
            _prefetcher = new DirTreePrefetcher(ReadDirTreeFromDisk);
            _prefetcher.Start(tree, _workers);
        }

        try
        {
            var threads = _work.StartThreads(_workers - 1, "ostree-checkout", Process);
            _work.WorkLoop(Process);
            foreach (var t in threads)
            {
                t.Join();
            }

            if (_work.Failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_work.Failure).Throw();
            }
        }
        finally
        {
            _prefetcher?.StopAndJoin();
            _prefetcher = null;
            foreach (var job in _all)
            {
                if (job.Fd >= 0)
                {
                    _ = LibcNative.Close(job.Fd);
                    job.Fd = -1;
                }
            }

            _objects = null;
        }
    }

    private void Process(DirectoryJob job)
    {
        OpenDirectory(job);
        if (!_userMode)
        {
            foreach (var x in job.Meta.Xattrs)
            {
                SetXattr(job, x);
            }
        }

        DirTree tree = ReadDirTree(job.Tree);

        foreach (var file in tree.Files)
        {
            CheckoutFile(job, file.Name, file.Checksum);
            _engine.FileDone(job.Path, file.Name);
        }

        // Files before subdirectories, as ostree does (a passthrough whiteout for a sibling directory then conflicts
        // with it instead of replacing it). The subdirectories are all made by this thread, so no two threads take
        // this directory's inode lock to add entries at the same time.
        if (tree.Directories.Count > 0)
        {
            var children = new DirectoryJob[tree.Directories.Count];
            for (int i = 0; i < children.Length; i++)
            {
                var d = tree.Directories[i];
                children[i] = new DirectoryJob(job, job.Path + "/" + d.Name, d.Name, d.TreeChecksum, ReadDirMeta(d.MetaChecksum));
                MakeDirectory(job, children[i]);
            }

            Interlocked.Add(ref job.Remaining, children.Length);
            foreach (var child in children)
            {
                _all.Enqueue(child);
            }

            // Popped in dirtree order (only for a predictable layout on disk).
            _work.Push(children);
        }

        for (var done = job; done is not null && Interlocked.Decrement(ref done.Remaining) == 0; done = done.Parent)
        {
            Finish(done);
        }
    }

    /// <summary><c>mkdirat(parent, name, 0700)</c>; the final mode is applied when the directory is finished.</summary>
    private static void MakeDirectory(DirectoryJob parent, DirectoryJob child)
    {
        int nameLength = Encoding.UTF8.GetByteCount(child.Name);
        byte[]? rented = null;
        Span<byte> name = nameLength < NameStackLimit ? stackalloc byte[nameLength + 1] : (rented = ArrayPool<byte>.Shared.Rent(nameLength + 1));
        try
        {
            int n = Encoding.UTF8.GetBytes(child.Name, name);
            name[n] = 0;
            fixed (byte* p = name)
            {
                if (LibcNative.Mkdirat(parent.Fd, p, PosixPermissions.OwnerOnlyDirectory) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw errno == PosixErrno.EEXIST
                        ? new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"mkdirat: File exists: {child.Path}")
                        : Fail("mkdirat", child.Path, errno);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void OpenDirectory(DirectoryJob job)
    {
        if (job.Parent is null)
        {
            _engine.CreateDirectory(job.Path);
        }

        int nameLength = job.Parent is null ? Encoding.UTF8.GetByteCount(job.Path) : Encoding.UTF8.GetByteCount(job.Name);
        byte[]? rented = null;
        Span<byte> name = nameLength < NameStackLimit ? stackalloc byte[nameLength + 1] : (rented = ArrayPool<byte>.Shared.Rent(nameLength + 1));
        try
        {
            int n = Encoding.UTF8.GetBytes(job.Parent is null ? job.Path : job.Name, name);
            name[n] = 0;
            fixed (byte* p = name)
            {
                // The parent's worker made the directory (MakeDirectory); the root is made by the engine.
                int parentFd = job.Parent?.Fd ?? -100 /* AT_FDCWD */;
                int fd = LibcNative.Openat(parentFd, p, LibcNative.DirectoryOpenFlags, 0);
                if (fd < 0)
                {
                    throw Fail("openat", job.Path, Marshal.GetLastPInvokeError());
                }

                job.Fd = fd;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void Finish(DirectoryJob job)
    {
        var meta = job.Meta;
        if (!_userMode && LibcNative.Fchown(job.Fd, meta.Uid, meta.Gid) != 0)
        {
            throw Fail("fchown", job.Path, Marshal.GetLastPInvokeError());
        }

        uint perms = meta.Mode & UnixMode.PermissionMask;
        if (_options.BareUserOnlyDirectories || _repo.Mode == RepoMode.BareUserOnly)
        {
            perms &= UnixMode.UserOnlyPermissionMask;
        }

        if (LibcNative.Fchmod(job.Fd, perms) != 0)
        {
            throw Fail("fchmod", job.Path, Marshal.GetLastPInvokeError());
        }

        long* times = stackalloc long[4];
        times[0] = times[1] = times[2] = times[3] = 0;
        if (LibcNative.Futimens(job.Fd, times) != 0)
        {
            throw Fail("futimens", job.Path, Marshal.GetLastPInvokeError());
        }

        _ = LibcNative.Close(job.Fd);
        job.Fd = -1;
    }

    private void SetXattr(DirectoryJob job, ExtendedAttribute x)
    {
        int length = Encoding.UTF8.GetByteCount(x.Name);
        Span<byte> name = length < NameStackLimit ? stackalloc byte[length + 1] : new byte[length + 1];
        Encoding.UTF8.GetBytes(x.Name, name);
        name[length] = 0;
        fixed (byte* n = name)
        fixed (byte* v = x.Value)
        {
            if (LibcNative.Fsetxattr(job.Fd, n, v, (nuint)x.Value.Length, 0) != 0)
            {
                throw Fail("fsetxattr " + x.Name, job.Path, Marshal.GetLastPInvokeError());
            }
        }
    }

    private void CheckoutFile(DirectoryJob dir, string name, Checksum checksum)
    {
        if (_options.ProcessPassthroughWhiteouts && name.StartsWith(PassthroughWhiteoutPrefix, StringComparison.Ordinal))
        {
            CreatePassthroughWhiteout(dir, name);
        }
        else if (!TryLinkOrSymlink(dir, name, checksum))
        {
            _engine.CheckoutFile(dir.Path, name, checksum);
        }
    }

    /// <summary><c>.ostree-wh.NAME</c> becomes a 0:0 character device NAME (an overlayfs whiteout).</summary>
    private void CreatePassthroughWhiteout(DirectoryJob dir, string name)
    {
        string victim = DirTree.ValidateName(name[PassthroughWhiteoutPrefix.Length..], ObjectStore.Name(dir.Tree, ObjectType.DirTree));
        int length = Encoding.UTF8.GetByteCount(victim);
        Span<byte> utf8 = length < NameStackLimit ? stackalloc byte[length + 1] : new byte[length + 1];
        Encoding.UTF8.GetBytes(victim, utf8);
        utf8[length] = 0;
        fixed (byte* p = utf8)
        {
            if (LibcNative.Mknodat(dir.Fd, p, UnixMode.CharacterDevice | PosixPermissions.File, 0) == 0)
            {
                return;
            }
        }

        // Something is already there (an earlier entry of this dirtree): the general path replaces it as before.
        _engine.CreatePassthroughWhiteout(dir.Path, name, dir.Tree);
    }

    /// <summary>The fast path; false means "let the general path do it" (it also reports errors best).</summary>
    private bool TryLinkOrSymlink(DirectoryJob dir, string name, Checksum checksum)
    {
        int objectsFd = _objects!.SubdirectoryFor(checksum);
        if (objectsFd < 0)
        {
            return false;
        }

        byte* objectName = stackalloc byte[LooseObjectDirectories.MaxNameLength];
        var objectNameSpan = new Span<byte>(objectName, LooseObjectDirectories.MaxNameLength);
        int objectNameLength = LooseObjectDirectories.WriteObjectName(checksum, "file"u8, objectNameSpan);
        bool bareUser = _repo.Mode == RepoMode.BareUser;

        // Bare-user objects say in user.ostreemeta all a checkout needs (symlink or file; empty or not, through the
        // checksum), so they are only stat'ed when the caller wants their device and inode.
        LibcNative.StatxInfo st = default;
        if (!bareUser || _options.DevInoCache is not null)
        {
            byte* statx = stackalloc byte[LibcNative.StatxBufferSize];
            if (LibcNative.Statx(objectsFd, objectName, LibcNative.AtSymlinkNoFollow | LibcNative.AtStatxDontSync,
                    LibcNative.StatxType | LibcNative.StatxMode | LibcNative.StatxIno | LibcNative.StatxSize, statx) != 0)
            {
                return false;
            }

            st = LibcNative.StatxInfo.From(statx);
            if ((st.IsRegularFile && st.Size == 0) || (bareUser && !st.IsRegularFile) || (!bareUser && st.IsRegularFile && _engine.IsUnreadableInUserMode(st.Mode)))
            {
                return false;
            }
        }

        if (bareUser)
        {
            Span<byte> stackMeta = stackalloc byte[UserMetaStackLength];
            int metaLength = ReadUserMeta(objectsFd, objectName, checksum, objectNameSpan[..objectNameLength], stackMeta, out byte[]? heapMeta);
            if (metaLength < 12)
            {
                return false;
            }

            ReadOnlySpan<byte> userMeta = (heapMeta ?? stackMeta)[..metaLength];
            uint mode = BinaryPrimitives.ReadUInt32BigEndian(userMeta.Slice(8, 4));
            if (UnixMode.IsSymlink(mode))
            {
                CreateSymlinkFromUserObject(dir, name, checksum, objectsFd, objectName, userMeta);
                return true;
            }

            if (_engine.IsUnreadableInUserMode(mode))
            {
                return false;
            }

            if (_options.DevInoCache is null
                && (!_emptyFiles.TryGetEmptyChecksum(userMeta, checksum, out var emptyFile) || emptyFile == checksum))
            {
                return false;
            }
        }

        int length = Encoding.UTF8.GetByteCount(name);
        byte[]? rented = null;
        Span<byte> dest = length < NameStackLimit ? stackalloc byte[length + 1] : (rented = ArrayPool<byte>.Shared.Rent(length + 1));
        try
        {
            Encoding.UTF8.GetBytes(name, dest);
            dest[length] = 0;
            fixed (byte* d = dest)
            {
                if (LibcNative.Linkat(objectsFd, objectName, dir.Fd, d, 0) != 0)
                {
                    if (Marshal.GetLastPInvokeError() == PosixErrno.EEXIST)
                    {
                        throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"File exists: {dir.Path}/{name}");
                    }

                    return false;
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        _options.DevInoCache?.Add(st.Device, st.Inode, checksum);
        return true;
    }

    /// <summary>
    /// Reads the <c>user.ostreemeta</c> value of a bare-user object into <paramref name="buffer"/> (or, when it is
    /// larger, into <paramref name="large"/>) and returns its length, or -1 when it is missing (the general path then
    /// reports the problem). Uses <c>getxattrat</c> relative to the <c>objects/XX</c> descriptor where the kernel has
    /// it, else <c>lgetxattr</c> on the full path.
    /// </summary>
    private int ReadUserMeta(int objectsFd, byte* objectName, Checksum checksum, ReadOnlySpan<byte> objectNameSpan, Span<byte> buffer, out byte[]? large)
    {
        large = null;
        int pathLength = _objects!.ObjectsPrefix.Length + 3 + objectNameSpan.Length + 1;
        Span<byte> path = pathLength <= NameStackLimit ? stackalloc byte[pathLength] : new byte[pathLength];
        bool pathWritten = false;
        nint n;
        fixed (byte* p = path)
        fixed (byte* x = UserMetaXattr)
        {
            fixed (byte* v = buffer)
            {
                n = GetUserMeta(objectsFd, objectName, checksum, objectNameSpan, path, p, ref pathWritten, x, v, (nuint)buffer.Length);
            }

            if (n < 0 && Marshal.GetLastPInvokeError() == ERange)
            {
                nint size = GetUserMeta(objectsFd, objectName, checksum, objectNameSpan, path, p, ref pathWritten, x, null, 0);
                if (size <= 0)
                {
                    return -1;
                }

                large = new byte[size];
                fixed (byte* v = large)
                {
                    n = GetUserMeta(objectsFd, objectName, checksum, objectNameSpan, path, p, ref pathWritten, x, v, (nuint)large.Length);
                }
            }
        }

        return n < 0 ? -1 : (int)n;
    }

    private nint GetUserMeta(int objectsFd, byte* objectName, Checksum checksum, ReadOnlySpan<byte> objectNameSpan, Span<byte> path, byte* p,
        ref bool pathWritten, byte* xattrName, byte* value, nuint size)
    {
        if (!_getxattrAtUnavailable && !_options.FullPathXattrsOnly && LibcNative.GetxattrAtKnown)
        {
            nint n = LibcNative.GetxattrAt(objectsFd, objectName, LibcNative.AtSymlinkNoFollow, xattrName, value, size);
            if (n >= 0)
            {
                return n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno is not (ENoSys or PosixErrno.EPERM or PosixErrno.EINVAL or E2Big))
            {
                return n;
            }

            // Retried below with the full path; if that works, this kernel (or its seccomp filter) lacks getxattrat.
            nint viaPath = FullPathLgetxattr(checksum, objectNameSpan, path, p, ref pathWritten, xattrName, value, size);
            if (viaPath >= 0)
            {
                _getxattrAtUnavailable = true;
            }

            return viaPath;
        }

        return FullPathLgetxattr(checksum, objectNameSpan, path, p, ref pathWritten, xattrName, value, size);
    }

    private nint FullPathLgetxattr(Checksum checksum, ReadOnlySpan<byte> objectNameSpan, Span<byte> path, byte* p, ref bool pathWritten,
        byte* xattrName, byte* value, nuint size)
    {
        if (!pathWritten)
        {
            _objects!.WriteObjectPath(checksum, objectNameSpan, path);
            pathWritten = true;
        }

        return LibcNative.Lgetxattr(p, xattrName, value, size);
    }

    /// <summary>A bare-user symlink is a regular file holding the target; user-mode checkouts recreate the link.</summary>
    private static void CreateSymlinkFromUserObject(DirectoryJob dir, string name, Checksum checksum, int objectsFd, byte* objectName, ReadOnlySpan<byte> userMeta)
    {
        string source = ObjectStore.Name(checksum, ObjectType.File);
        const int max = 4096 + 2;
        byte* target = stackalloc byte[max];
        int fd = LibcNative.Openat(objectsFd, objectName, LibcNative.ORdOnly | LibcNative.ONoFollow | LibcNative.OCloExec, 0);
        if (fd < 0)
        {
            throw Fail("openat", source, Marshal.GetLastPInvokeError());
        }

        int length = 0;
        try
        {
            while (length < max - 1)
            {
                nint r = LibcNative.Read(fd, target + length, (nuint)(max - 1 - length));
                if (r < 0)
                {
                    throw Fail("read", source, Marshal.GetLastPInvokeError());
                }

                if (r == 0)
                {
                    break;
                }

                length += (int)r;
            }
        }
        finally
        {
            _ = LibcNative.Close(fd);
        }

        if (length > 0 && target[length - 1] == 0)
        {
            length--;
        }

        var header = FileHeader.ParseUserMeta(userMeta, source, Encoding.UTF8.GetString(target, length));
        header.Validate(source);
        if (new ReadOnlySpan<byte>(target, length).Contains((byte)0))
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "symlink target contains a NUL byte");
        }

        target[length] = 0;
        int nameLength = Encoding.UTF8.GetByteCount(name);
        Span<byte> dest = nameLength < NameStackLimit ? stackalloc byte[nameLength + 1] : new byte[nameLength + 1];
        Encoding.UTF8.GetBytes(name, dest);
        dest[nameLength] = 0;
        fixed (byte* d = dest)
        {
            if (LibcNative.Symlinkat(target, dir.Fd, d) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == PosixErrno.EEXIST
                    ? new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"File exists: {dir.Path}/{name}")
                    : Fail("symlinkat", dir.Path + "/" + name, errno);
            }
        }
    }

    private DirMeta ReadDirMeta(Checksum checksum) =>
        _dirMetas.GetOrAdd(checksum, m => ReadMetadata(m, ObjectType.DirMeta, "dirmeta"u8, static (data, source) => DirMeta.Parse(data, source, requireNormalForm: false)));

    private DirTree ReadDirTree(Checksum checksum) =>
        _prefetcher is not null && _prefetcher.TryGet(checksum, out var tree) ? tree : ReadDirTreeFromDisk(checksum);

    private DirTree ReadDirTreeFromDisk(Checksum checksum) =>
        ReadMetadata(checksum, ObjectType.DirTree, "dirtree"u8, static (data, source) => DirTree.Parse(data, source, requireNormalForm: false));

    /// <summary>Reads a metadata object into a pooled buffer, verifies its checksum and parses it.</summary>
    private T ReadMetadata<T>(Checksum checksum, ObjectType type, ReadOnlySpan<byte> extension, SpanParser<T> parse)
    {
        string source = ObjectStore.Name(checksum, type);
        int dirFd = _objects!.SubdirectoryFor(checksum);
        int fd = -1;
        if (dirFd >= 0)
        {
            byte* name = stackalloc byte[LooseObjectDirectories.MaxNameLength];
            LooseObjectDirectories.WriteObjectName(checksum, extension, new Span<byte>(name, LooseObjectDirectories.MaxNameLength));
            fd = LibcNative.Openat(dirFd, name, LibcNative.ORdOnly | LibcNative.ONoFollow | LibcNative.OCloExec, 0);
        }

        if (fd < 0)
        {
            throw new OstreeObjectException(OstreeErrorCodes.ObjectNotFound, source, "object not found in " + _repo.Path);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                nint r;
                fixed (byte* b = buffer)
                {
                    r = LibcNative.Read(fd, b + length, (nuint)(buffer.Length - length));
                }

                if (r < 0)
                {
                    throw Fail("read", source, Marshal.GetLastPInvokeError());
                }

                length += (int)r;
                if (r == 0 || length < buffer.Length)
                {
                    // A short read of a regular file is its end (a wrong guess fails the checksum below, never silently).
                    break;
                }
            }

            var data = new ReadOnlySpan<byte>(buffer, 0, length);
            var actual = Checksum.Compute(data);
            if (actual != checksum)
            {
                throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, source, $"corrupted object: content hashes to {actual}");
            }

            return parse(data, source);
        }
        finally
        {
            _ = LibcNative.Close(fd);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static PosixException Fail(string operation, string path, int errno) =>
        new(operation, path, errno, Marshal.GetPInvokeErrorMessage(errno));

    private delegate T SpanParser<out T>(ReadOnlySpan<byte> data, string source);

    /// <summary>One directory of the checkout: its descriptor while open, and how many of its parts are unfinished.</summary>
    private sealed class DirectoryJob(DirectoryJob? parent, string path, string name, Checksum tree, DirMeta meta)
    {
        public DirectoryJob? Parent { get; } = parent;

        public string Path { get; } = path;

        public string Name { get; } = name;

        public Checksum Tree { get; } = tree;

        public DirMeta Meta { get; } = meta;

        public int Fd = -1;

        /// <summary>The directory's own pass plus one per child directory; the last to finish applies its metadata.</summary>
        public int Remaining = 1;
    }
}
