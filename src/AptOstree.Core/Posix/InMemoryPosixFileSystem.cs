using System.Text;

namespace AptOstree.Posix;

/// <summary>
/// An in-memory <see cref="IPosixFileSystem"/> for tests: directories, regular files, symlinks,
/// device nodes and FIFOs with inodes shared by hard links, owners, modes, times and xattrs.
/// Paths are absolute, separated by <c>/</c>; the root <c>/</c> always exists. Thread-safe.
/// </summary>
public sealed partial class InMemoryPosixFileSystem : IPosixFileSystem
{
    private readonly Lock _gate = new();
    private readonly Node _root;
    private readonly Dictionary<string, InMemoryFileLock> _locks = new(StringComparer.Ordinal);
    private ulong _nextInode = 2;

    /// <summary>Creates an empty file system with only <c>/</c>.</summary>
    public InMemoryPosixFileSystem()
    {
        _root = new Node(1, (uint)PosixFileType.Directory | PosixPermissions.Directory) { LinkCount = 2 };
    }

    /// <summary>Number of <see cref="Sync"/> calls so far, by path (lets tests check fsync policy).</summary>
    public IReadOnlyDictionary<string, int> SyncCounts
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_syncCounts, StringComparer.Ordinal);
            }
        }
    }

    private readonly Dictionary<string, int> _syncCounts = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public PosixFileStatus GetStatus(string path)
    {
        lock (_gate)
        {
            return StatusOf(Lookup(path, "lstat"));
        }
    }

    /// <inheritdoc />
    public bool TryGetStatus(string path, out PosixFileStatus status)
    {
        lock (_gate)
        {
            var node = TryLookup(path, out _);
            status = node is null ? default : StatusOf(node);
            return node is not null;
        }
    }

    /// <inheritdoc />
    public void CreateDirectory(string path, uint permissions)
    {
        lock (_gate)
        {
            var (parent, name) = ParentOf(path, "mkdir");
            Add(parent, name, new Node(_nextInode++, (uint)PosixFileType.Directory | (permissions & 0xFFF)) { LinkCount = 2 }, path, "mkdir");
            parent.LinkCount++;
        }
    }

    /// <inheritdoc />
    public Stream CreateFile(string path, uint permissions)
    {
        Node node;
        lock (_gate)
        {
            var (parent, name) = ParentOf(path, "open");
            node = new Node(_nextInode++, (uint)PosixFileType.RegularFile | (permissions & 0xFFF));
            Add(parent, name, node, path, "open");
        }

        return new CommitOnDisposeStream(this, node);
    }

    /// <inheritdoc />
    public Stream OpenRead(string path)
    {
        // As open(2): a symlink in the last component is followed (errors still name the path asked for).
        string target = this.ResolveSymbolicLinks(path);
        lock (_gate)
        {
            var node = TryLookup(target, out int errno) ?? throw Error("open", path, errno);
            if (node.Type == PosixFileType.Directory)
            {
                throw Error("open", path, PosixErrno.EISDIR);
            }

            return new MemoryStream(node.Content, writable: false);
        }
    }

    /// <inheritdoc />
    public IPosixFileView MapRead(string path)
    {
        lock (_gate)
        {
            var node = Lookup(path, "open");
            return node.Type switch
            {
                PosixFileType.Directory => throw Error("open", path, PosixErrno.EISDIR),
                PosixFileType.SymbolicLink => throw Error("open", path, ELoop),
                _ => new ArrayFileView(node.Content),
            };
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectory(string path)
    {
        lock (_gate)
        {
            var node = Lookup(path, "opendir");
            return node.Children is null ? throw Error("opendir", path, PosixErrno.ENOTDIR) : [.. node.Children.Keys];
        }
    }

    /// <inheritdoc />
    public void Delete(string path)
    {
        lock (_gate)
        {
            var (parent, name) = ParentOf(path, "unlink");
            if (!parent.Children!.TryGetValue(name, out var node))
            {
                throw Error("unlink", path, PosixErrno.ENOENT);
            }

            if (node.Children is { Count: > 0 })
            {
                throw Error("rmdir", path, PosixErrno.ENOTEMPTY);
            }

            parent.Children.Remove(name);
            if (node.Children is not null)
            {
                parent.LinkCount--;
            }

            node.LinkCount--;
        }
    }

    /// <inheritdoc />
    public void CreateHardLink(string existingPath, string newPath)
    {
        lock (_gate)
        {
            var node = Lookup(existingPath, "link");
            if (node.Children is not null)
            {
                throw Error("link", existingPath, PosixErrno.EPERM);
            }

            var (parent, name) = ParentOf(newPath, "link");
            Add(parent, name, node, newPath, "link");
            node.LinkCount++;
        }
    }

    /// <inheritdoc />
    public void CreateSymbolicLink(string target, string linkPath)
    {
        lock (_gate)
        {
            var (parent, name) = ParentOf(linkPath, "symlink");
            Add(parent, name, new Node(_nextInode++, (uint)PosixFileType.SymbolicLink | PosixPermissions.All) { Content = Encoding.UTF8.GetBytes(target) }, linkPath, "symlink");
        }
    }

    /// <inheritdoc />
    public string ReadSymbolicLink(string path)
    {
        lock (_gate)
        {
            var node = Lookup(path, "readlink");
            return node.Type == PosixFileType.SymbolicLink ? Encoding.UTF8.GetString(node.Content) : throw Error("readlink", path, PosixErrno.EINVAL);
        }
    }

    /// <inheritdoc />
    public void SetOwner(string path, uint uid, uint gid)
    {
        lock (_gate)
        {
            var node = Lookup(path, "lchown");
            node.Uid = uid;
            node.Gid = gid;
        }
    }

    /// <inheritdoc />
    public void SetPermissions(string path, uint permissions)
    {
        lock (_gate)
        {
            var node = Lookup(path, "chmod");
            node.Mode = (node.Mode & 0xF000) | (permissions & 0xFFF);
        }
    }

    /// <inheritdoc />
    public void SetModificationTime(string path, long seconds, uint nanoseconds)
    {
        lock (_gate)
        {
            var node = Lookup(path, "utimensat");
            node.MTimeSeconds = seconds;
            node.MTimeNanoseconds = nanoseconds;
        }
    }

    /// <inheritdoc />
    public byte[]? GetExtendedAttribute(string path, string name)
    {
        lock (_gate)
        {
            return Lookup(path, "lgetxattr").Xattrs.TryGetValue(name, out var value) ? (byte[])value.Clone() : null;
        }
    }

    /// <inheritdoc />
    public void SetExtendedAttribute(string path, string name, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            Lookup(path, "lsetxattr").Xattrs[name] = (byte[])value.Clone();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListExtendedAttributes(string path)
    {
        lock (_gate)
        {
            return [.. Lookup(path, "llistxattr").Xattrs.Keys];
        }
    }

    /// <inheritdoc />
    public void RemoveExtendedAttribute(string path, string name)
    {
        lock (_gate)
        {
            if (!Lookup(path, "lremovexattr").Xattrs.Remove(name))
            {
                throw Error("lremovexattr", path, PosixErrno.ENODATA);
            }
        }
    }

    /// <inheritdoc />
    public void CreateNode(string path, uint mode, ulong device)
    {
        var type = (PosixFileType)(mode & 0xF000);
        if (type is not (PosixFileType.CharacterDevice or PosixFileType.BlockDevice or PosixFileType.Fifo or PosixFileType.RegularFile))
        {
            throw Error("mknod", path, PosixErrno.EINVAL);
        }

        lock (_gate)
        {
            var (parent, name) = ParentOf(path, "mknod");
            Add(parent, name, new Node(_nextInode++, mode) { RDevice = device }, path, "mknod");
        }
    }

    /// <inheritdoc />
    public void Rename(string oldPath, string newPath)
    {
        lock (_gate)
        {
            var (oldParent, oldName) = ParentOf(oldPath, "rename");
            var (newParent, newName) = ParentOf(newPath, "rename");
            if (!oldParent.Children!.TryGetValue(oldName, out var node))
            {
                throw Error("rename", oldPath, PosixErrno.ENOENT);
            }

            if (newParent.Children!.TryGetValue(newName, out var existing))
            {
                if (ReferenceEquals(existing, node))
                {
                    return;
                }

                if (existing.Children is not null && node.Children is null)
                {
                    throw Error("rename", newPath, PosixErrno.EISDIR);
                }

                if (existing.Children is { Count: > 0 })
                {
                    throw Error("rename", newPath, PosixErrno.ENOTEMPTY);
                }

                existing.LinkCount--;
            }

            oldParent.Children.Remove(oldName);
            newParent.Children[newName] = node;
        }
    }

    /// <inheritdoc />
    public void ExchangePaths(string path1, string path2)
    {
        lock (_gate)
        {
            var (parent1, name1) = ParentOf(path1, "renameat2");
            var (parent2, name2) = ParentOf(path2, "renameat2");
            if (!parent1.Children!.TryGetValue(name1, out var node1))
            {
                throw Error("renameat2", path1, PosixErrno.ENOENT);
            }

            if (!parent2.Children!.TryGetValue(name2, out var node2))
            {
                throw Error("renameat2", path2, PosixErrno.ENOENT);
            }

            parent1.Children[name1] = node2;
            parent2.Children[name2] = node1;
        }
    }

    /// <inheritdoc />
    public void Sync(string path)
    {
        lock (_gate)
        {
            _ = Lookup(path, "fsync");
            _syncCounts[path] = _syncCounts.GetValueOrDefault(path) + 1;
        }
    }

    /// <inheritdoc />
    /// <remarks>Counted in <see cref="SyncCounts"/> under <paramref name="path"/>, as <see cref="Sync"/> is.</remarks>
    public void SyncFileSystem(string path) => Sync(path);

    /// <inheritdoc />
    /// <remarks>The lock lives in this instance (one per path), not in the file.</remarks>
    public IDisposable? TryLockFile(string path, bool exclusive)
    {
        InMemoryFileLock fileLock;
        lock (_gate)
        {
            if (TryLookup(path, out _) is null)
            {
                var (parent, name) = ParentOf(path, "open");
                Add(parent, name, new Node(_nextInode++, (uint)PosixFileType.RegularFile | PosixPermissions.File), path, "open");
            }

            fileLock = _locks.TryGetValue(path, out var existing) ? existing : _locks[path] = new InMemoryFileLock();
        }

        return fileLock.TryEnter(exclusive);
    }

    private static PosixFileStatus StatusOf(Node node) => new()
    {
        Mode = node.Mode,
        Uid = node.Uid,
        Gid = node.Gid,
        Size = node.Content.LongLength,
        LinkCount = node.LinkCount,
        Device = 1,
        Inode = node.Inode,
        RDevice = node.RDevice,
        ModificationTimeSeconds = node.MTimeSeconds,
        ModificationTimeNanoseconds = node.MTimeNanoseconds,
    };

    private Node? TryLookup(string path, out int errno)
    {
        errno = 0;
        var node = _root;
        foreach (var part in Split(path))
        {
            if (node.Children is null)
            {
                errno = PosixErrno.ENOTDIR;
                return null;
            }

            if (!node.Children.TryGetValue(part, out var child))
            {
                errno = PosixErrno.ENOENT;
                return null;
            }

            node = child;
        }

        return node;
    }

    private Node Lookup(string path, string operation) => TryLookup(path, out int errno) ?? throw Error(operation, path, errno);

    private (Node Parent, string Name) ParentOf(string path, string operation)
    {
        var parts = Split(path);
        if (parts.Length == 0)
        {
            throw Error(operation, path, PosixErrno.EEXIST);
        }

        var parentPath = "/" + string.Join('/', parts[..^1]);
        var parent = Lookup(parentPath, operation);
        return parent.Children is null ? throw Error(operation, path, PosixErrno.ENOTDIR) : (parent, parts[^1]);
    }

    private static void Add(Node parent, string name, Node node, string path, string operation)
    {
        if (!parent.Children!.TryAdd(name, node))
        {
            throw Error(operation, path, PosixErrno.EEXIST);
        }
    }

    private static string[] Split(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"The in-memory file system takes absolute paths, not '{path}'.", nameof(path));
        }

        return path.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    private static PosixException Error(string operation, string path, int errno) =>
        new(operation, path, errno, errno switch
        {
            PosixErrno.ENOENT => "No such file or directory",
            PosixErrno.EEXIST => "File exists",
            PosixErrno.ENOTDIR => "Not a directory",
            PosixErrno.EISDIR => "Is a directory",
            PosixErrno.ENOTEMPTY => "Directory not empty",
            PosixErrno.ENODATA => "No data available",
            PosixErrno.EPERM => "Operation not permitted",
            PosixErrno.EXDEV => "Invalid cross-device link",
            ELoop => "Too many levels of symbolic links",
            _ => "Invalid argument",
        });

    private sealed class Node(ulong inode, uint mode)
    {
        public ulong Inode { get; } = inode;

        public uint Mode { get; set; } = mode;

        public uint Uid { get; set; }

        public uint Gid { get; set; }

        public uint LinkCount { get; set; } = 1;

        public ulong RDevice { get; set; }

        public long MTimeSeconds { get; set; }

        public uint MTimeNanoseconds { get; set; }

        public byte[] Content { get; set; } = [];

        public Dictionary<string, byte[]> Xattrs { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Node>? Children { get; } = (PosixFileType)(mode & 0xF000) == PosixFileType.Directory ? new(StringComparer.Ordinal) : null;

        public PosixFileType Type => (PosixFileType)(Mode & 0xF000);
    }

    private sealed class CommitOnDisposeStream(InMemoryPosixFileSystem owner, Node node) : MemoryStream
    {
        public override void Flush()
        {
            base.Flush();
            Publish();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Publish();
            }

            base.Dispose(disposing);
        }

        private void Publish()
        {
            lock (owner._gate)
            {
                node.Content = ToArray();
            }
        }
    }
}
