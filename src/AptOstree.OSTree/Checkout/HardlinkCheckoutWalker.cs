using AptOstree.Posix;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AptOstree.OSTree;

/// <summary>
/// The hardlink checkout of a fresh destination (no union, no overlay whiteouts; passthrough whiteouts are fine, as
/// deployments use them) from a bare-family repository, with every call relative to an open directory of the
/// repository's file system (<see cref="IPosixDirectory"/>): <c>mkdirat</c> + <c>openat</c> per directory,
/// <c>statx</c> + <c>linkat</c> (bare-user: <c>getxattrat</c> + <c>linkat</c>) per file. Directories form a work
/// stack shared by a few worker threads, while a <see cref="DirTreePrefetcher"/> reads dirtrees ahead of them; a
/// directory's owner, mode and mtime are applied once all its children are done, as ostree does. Anything unusual
/// (empty files, failed links) goes to the engine's general path.
/// </summary>
internal sealed class HardlinkCheckoutWalker
{
    private const int NameStackLimit = 256;
    private const int SymlinkTargetMax = 4096 + 2;
    private const string PassthroughWhiteoutPrefix = ".ostree-wh.";
    private const string UserMetaXattr = "user.ostreemeta";
    private readonly CheckoutEngine _engine;
    private readonly OstreeRepository _repo;
    private readonly IPosixFileSystem _fs;
    private readonly CheckoutOptions _options;
    private readonly bool _userMode;
    private readonly int _workers;
    private readonly SharedWorkStack<DirectoryJob> _work = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<DirectoryJob> _all = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Checksum, DirMeta> _dirMetas = new();
    private readonly EmptyFileChecksums _emptyFiles = new();

    private LooseObjectDirectories? _objects;

    /// <summary>The empty name: <see cref="IPosixDirectory"/> then acts on the directory itself (<c>fchown</c>, <c>fchmod</c>, …).</summary>
    private static ReadOnlySpan<byte> Itself => [];
    private DirTreePrefetcher? _prefetcher;

    public HardlinkCheckoutWalker(CheckoutEngine engine, OstreeRepository repository, CheckoutOptions options, bool userMode, int workers)
    {
        _engine = engine;
        _repo = repository;
        _fs = repository.FileSystem;
        _options = options;
        _userMode = userMode;
        _workers = workers;
    }

    /// <summary>True when this walker can do the whole checkout (otherwise the engine's general path does); any file system.</summary>
    public static bool Handles(OstreeRepository repository, CheckoutOptions options, bool canHardlink) =>
        canHardlink
        && options.Overwrite == CheckoutOverwriteMode.None
        && !options.ProcessWhiteouts
        && repository.Mode is RepoMode.Bare or RepoMode.BareUser or RepoMode.BareUserOnly or RepoMode.BareSplitXattrs;

    /// <summary>Checks the tree out into <paramref name="destination"/>, which must not exist yet (its parent must).</summary>
    public void Run(string destination, Checksum tree, Checksum meta)
    {
        using var objects = LooseObjectDirectories.Open(_fs, _repo.Objects.Directory);
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
                job.Directory?.Dispose();
                job.Directory = null;
            }

            _objects = null;
        }
    }

    private void Process(DirectoryJob job)
    {
        var directory = OpenDirectory(job);
        if (!_userMode)
        {
            foreach (var x in job.Meta.Xattrs)
            {
                directory.SetExtendedAttribute(Itself, x.Name, x.Value);
            }
        }

        DirTree tree = ReadDirTree(job.Tree);

        foreach (var file in tree.Files)
        {
            CheckoutFile(job, directory, file.Name, file.Checksum);
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
                MakeDirectory(directory, children[i]);
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
    private static void MakeDirectory(IPosixDirectory parent, DirectoryJob child)
    {
        Span<byte> buffer = stackalloc byte[NameStackLimit];
        try
        {
            parent.CreateDirectory(Utf8(child.Name, buffer), PosixPermissions.OwnerOnlyDirectory);
        }
        catch (PosixException ex) when (ex.IsAlreadyExists)
        {
            throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"mkdirat: File exists: {child.Path}");
        }
    }

    /// <summary>Opens the job's directory: the parent's worker made it (<see cref="MakeDirectory"/>); the root is made by the engine.</summary>
    private IPosixDirectory OpenDirectory(DirectoryJob job)
    {
        if (job.Parent is null)
        {
            _engine.CreateDirectory(job.Path);
            job.Directory = _fs.OpenDirectory(job.Path);
        }
        else
        {
            Span<byte> buffer = stackalloc byte[NameStackLimit];
            job.Directory = job.Parent.Directory!.OpenDirectory(Utf8(job.Name, buffer));
        }

        return job.Directory;
    }

    /// <summary>Owner, mode and mtime of the directory itself (<c>fchown</c>, <c>fchmod</c>, <c>futimens</c>), then it is closed.</summary>
    private void Finish(DirectoryJob job)
    {
        var directory = job.Directory!;
        var meta = job.Meta;
        if (!_userMode)
        {
            directory.SetOwner(Itself, meta.Uid, meta.Gid);
        }

        uint perms = meta.Mode & UnixMode.PermissionMask;
        if (_options.BareUserOnlyDirectories || _repo.Mode == RepoMode.BareUserOnly)
        {
            perms &= UnixMode.UserOnlyPermissionMask;
        }

        directory.SetPermissions(Itself, perms);
        directory.SetModificationTime(Itself, 0, 0);
        directory.Dispose();
        job.Directory = null;
    }

    private void CheckoutFile(DirectoryJob job, IPosixDirectory directory, string name, Checksum checksum)
    {
        if (_options.ProcessPassthroughWhiteouts && name.StartsWith(PassthroughWhiteoutPrefix, StringComparison.Ordinal))
        {
            CreatePassthroughWhiteout(job, directory, name);
        }
        else if (!TryLinkOrSymlink(job, directory, name, checksum))
        {
            _engine.CheckoutFile(job.Path, name, checksum);
        }
    }

    /// <summary><c>.ostree-wh.NAME</c> becomes a 0:0 character device NAME (an overlayfs whiteout).</summary>
    private void CreatePassthroughWhiteout(DirectoryJob job, IPosixDirectory directory, string name)
    {
        string victim = DirTree.ValidateName(name[PassthroughWhiteoutPrefix.Length..], ObjectStore.Name(job.Tree, ObjectType.DirTree));
        Span<byte> buffer = stackalloc byte[NameStackLimit];
        try
        {
            directory.CreateNode(Utf8(victim, buffer), UnixMode.CharacterDevice | PosixPermissions.File, 0);
            return;
        }
        catch (PosixException)
        {
            // Something is already there (an earlier entry of this dirtree): the general path replaces it as before.
        }

        _engine.CreatePassthroughWhiteout(job.Path, name, job.Tree);
    }

    /// <summary>The fast path; false means "let the general path do it" (it also reports errors best).</summary>
    private bool TryLinkOrSymlink(DirectoryJob job, IPosixDirectory directory, string name, Checksum checksum)
    {
        var objects = _objects!.SubdirectoryFor(checksum);
        if (objects is null)
        {
            return false;
        }

        Span<byte> objectNameBuffer = stackalloc byte[LooseObjectDirectories.MaxNameLength];
        ReadOnlySpan<byte> objectName = objectNameBuffer[..LooseObjectDirectories.WriteObjectName(checksum, "file"u8, objectNameBuffer)];
        bool bareUser = _repo.Mode == RepoMode.BareUser;

        // Bare-user objects say in user.ostreemeta all a checkout needs (symlink or file; empty or not, through the
        // checksum), so they are only stat'ed when the caller wants their device and inode.
        PosixFileStatus st = default;
        if (!bareUser || _options.DevInoCache is not null)
        {
            try
            {
                if (!objects.TryGetStatus(objectName, out st))
                {
                    return false;
                }
            }
            catch (PosixException)
            {
                return false;
            }

            if ((st.IsRegularFile && st.Size == 0) || (bareUser && !st.IsRegularFile) || (!bareUser && st.IsRegularFile && _engine.IsUnreadableInUserMode(st.Mode)))
            {
                return false;
            }
        }

        if (bareUser)
        {
            byte[]? userMeta = ReadUserMeta(objects, objectName, checksum);
            if (userMeta is null || userMeta.Length < 12)
            {
                return false;
            }

            uint mode = BinaryPrimitives.ReadUInt32BigEndian(userMeta.AsSpan(8, 4));
            if (UnixMode.IsSymlink(mode))
            {
                CreateSymlinkFromUserObject(job, directory, name, checksum, objects, objectName, userMeta);
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

        Span<byte> buffer = stackalloc byte[NameStackLimit];
        try
        {
            directory.CreateHardLink(objects, objectName, Utf8(name, buffer));
        }
        catch (PosixException ex)
        {
            return ex.IsAlreadyExists ? throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"File exists: {job.Path}/{name}") : false;
        }

        _options.DevInoCache?.Add(st.Device, st.Inode, checksum);
        return true;
    }

    /// <summary>
    /// The <c>user.ostreemeta</c> value of a bare-user object, relative to its <c>objects/XX</c> directory (or through
    /// its full path when <see cref="CheckoutOptions.FullPathXattrsOnly"/>); null when it cannot be read (the general
    /// path then reports the problem).
    /// </summary>
    private byte[]? ReadUserMeta(IPosixDirectory objects, ReadOnlySpan<byte> objectName, Checksum checksum)
    {
        try
        {
            return _options.FullPathXattrsOnly
                ? _fs.GetExtendedAttribute(_repo.Objects.GetLoosePath(checksum, ObjectType.File), UserMetaXattr)
                : objects.GetExtendedAttribute(objectName, UserMetaXattr);
        }
        catch (PosixException)
        {
            return null;
        }
    }

    /// <summary>A bare-user symlink is a regular file holding the target; user-mode checkouts recreate the link.</summary>
    private static void CreateSymlinkFromUserObject(DirectoryJob job, IPosixDirectory directory, string name, Checksum checksum, IPosixDirectory objects,
        ReadOnlySpan<byte> objectName, ReadOnlySpan<byte> userMeta)
    {
        string source = ObjectStore.Name(checksum, ObjectType.File);
        Span<byte> target = stackalloc byte[SymlinkTargetMax];
        int length = 0;
        using (var stream = objects.OpenRead(objectName))
        {
            int r;
            while (length < SymlinkTargetMax - 1 && (r = stream.Read(target[length..(SymlinkTargetMax - 1)])) > 0)
            {
                length += r;
            }
        }

        if (length > 0 && target[length - 1] == 0)
        {
            length--;
        }

        var header = FileHeader.ParseUserMeta(userMeta, source, Encoding.UTF8.GetString(target[..length]));
        header.Validate(source);
        if (target[..length].Contains((byte)0))
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "symlink target contains a NUL byte");
        }

        Span<byte> buffer = stackalloc byte[NameStackLimit];
        try
        {
            directory.CreateSymbolicLink(target[..length], Utf8(name, buffer));
        }
        catch (PosixException ex) when (ex.IsAlreadyExists)
        {
            throw new AptOstreeException(OstreeErrorCodes.CheckoutConflict, $"File exists: {job.Path}/{name}");
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
        Stream? stream = null;
        if (_objects!.SubdirectoryFor(checksum) is { } directory)
        {
            Span<byte> name = stackalloc byte[LooseObjectDirectories.MaxNameLength];
            try
            {
                stream = directory.OpenRead(name[..LooseObjectDirectories.WriteObjectName(checksum, extension, name)]);
            }
            catch (PosixException)
            {
            }
        }

        if (stream is null)
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

                int r = stream.Read(buffer, length, buffer.Length - length);
                length += r;
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
            stream.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The UTF-8 bytes of a dirtree name, in <paramref name="buffer"/> when they fit.</summary>
    private static ReadOnlySpan<byte> Utf8(string name, Span<byte> buffer)
    {
        int length = Encoding.UTF8.GetByteCount(name);
        Span<byte> bytes = length <= buffer.Length ? buffer[..length] : new byte[length];
        Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }

    private delegate T SpanParser<out T>(ReadOnlySpan<byte> data, string source);

    /// <summary>One directory of the checkout: its open directory while open, and how many of its parts are unfinished.</summary>
    private sealed class DirectoryJob(DirectoryJob? parent, string path, string name, Checksum tree, DirMeta meta)
    {
        public DirectoryJob? Parent { get; } = parent;

        public string Path { get; } = path;

        public string Name { get; } = name;

        public Checksum Tree { get; } = tree;

        public DirMeta Meta { get; } = meta;

        public IPosixDirectory? Directory;

        /// <summary>The directory's own pass plus one per child directory; the last to finish applies its metadata.</summary>
        public int Remaining = 1;
    }
}
