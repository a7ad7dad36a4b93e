using System.Text;

namespace AptOstree.Posix;

public sealed partial class InMemoryPosixFileSystem
{
    private const int ELoop = 40;
    private const int MaxSymlinkHops = 40;

    /// <inheritdoc />
    public IPosixDirectory OpenDirectory(string path)
    {
        lock (_gate)
        {
            string resolved = path;
            var node = Lookup(resolved, "open");
            for (int hops = 0; node.Type == PosixFileType.SymbolicLink; hops++)
            {
                if (hops == MaxSymlinkHops)
                {
                    throw Error("open", path, ELoop);
                }

                string target = Encoding.UTF8.GetString(node.Content);
                string parent = resolved.TrimEnd('/');
                parent = parent[..Math.Max(parent.LastIndexOf('/'), 0)];
                resolved = Path.GetFullPath(target.StartsWith('/') ? target : (parent.Length == 0 ? "/" : parent + "/") + target);
                node = Lookup(resolved, "open");
            }

            return node.Children is null ? throw Error("open", path, PosixErrno.ENOTDIR) : new InMemoryPosixDirectory(this, node, path);
        }
    }

    /// <summary>
    /// The dictionary key of a name given as bytes: the name itself when it is UTF-8, else UTF-8 runs as they are and
    /// each stray byte B as the lone surrogate U+DC00+B, so every byte name has its own key and comes back unchanged.
    /// </summary>
    private static string KeyOf(ReadOnlySpan<byte> name)
    {
        if (TarPath.TryDecodeUtf8(name) is { } utf8)
        {
            return utf8;
        }

        var key = new StringBuilder(name.Length);
        while (!name.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(name, out var rune, out int consumed) == System.Buffers.OperationStatus.Done)
            {
                key.Append(rune.ToString());
                name = name[consumed..];
            }
            else
            {
                key.Append((char)(0xDC00 + name[0]));
                name = name[1..];
            }
        }

        return key.ToString();
    }

    /// <summary>The bytes of a name stored under <paramref name="key"/> (the inverse of <see cref="KeyOf"/>).</summary>
    private static byte[] NameOf(string key)
    {
        var bytes = new List<byte>(key.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < key.Length;)
        {
            if (Rune.DecodeFromUtf16(key.AsSpan(i), out var rune, out int consumed) == System.Buffers.OperationStatus.Done)
            {
                int n = rune.EncodeToUtf8(utf8);
                for (int j = 0; j < n; j++)
                {
                    bytes.Add(utf8[j]);
                }
            }
            else if (key[i] is >= '\uDC80' and <= '\uDCFF')
            {
                bytes.Add((byte)(key[i] - 0xDC00));
            }
            else
            {
                bytes.AddRange("\uFFFD"u8);
            }

            i += consumed;
        }

        return [.. bytes];
    }

    /// <summary>An open directory of the in-memory file system: the directory node itself, as a descriptor holds an inode.</summary>
    private sealed class InMemoryPosixDirectory(InMemoryPosixFileSystem owner, Node node, string display) : IPosixDirectory
    {
        public string DisplayPath => display;

        public IPosixDirectory OpenDirectory(ReadOnlySpan<byte> name)
        {
            lock (owner._gate)
            {
                var child = Entry(name, "openat");
                return child.Children is null ? throw Error("openat", Child(name), PosixErrno.ENOTDIR) : new InMemoryPosixDirectory(owner, child, Child(name));
            }
        }

        public void CreateDirectory(ReadOnlySpan<byte> name, uint permissions)
        {
            string key = Key(name);
            lock (owner._gate)
            {
                Add(node, key, new Node(owner._nextInode++, (uint)PosixFileType.Directory | (permissions & 0xFFF)) { LinkCount = 2 }, Child(name), "mkdirat");
                node.LinkCount++;
            }
        }

        public IReadOnlyList<byte[]> ListNames()
        {
            lock (owner._gate)
            {
                return [.. node.Children!.Keys.Select(NameOf)];
            }
        }

        public PosixFileStatus GetStatus(ReadOnlySpan<byte> name)
        {
            lock (owner._gate)
            {
                return StatusOf(Target(name, "statx"));
            }
        }

        public bool TryGetStatus(ReadOnlySpan<byte> name, out PosixFileStatus status)
        {
            lock (owner._gate)
            {
                var target = name.IsEmpty ? node : node.Children!.GetValueOrDefault(Key(name));
                status = target is null ? default : StatusOf(target);
                return target is not null;
            }
        }

        public Stream OpenRead(ReadOnlySpan<byte> name)
        {
            lock (owner._gate)
            {
                var file = Entry(name, "openat");
                return file.Type switch
                {
                    PosixFileType.SymbolicLink => throw Error("openat", Child(name), ELoop),
                    PosixFileType.Directory => throw Error("openat", Child(name), PosixErrno.EISDIR),
                    _ => new MemoryStream(file.Content, writable: false),
                };
            }
        }

        public Stream CreateFile(ReadOnlySpan<byte> name, uint permissions)
        {
            string key = Key(name);
            Node file;
            lock (owner._gate)
            {
                file = new Node(owner._nextInode++, (uint)PosixFileType.RegularFile | (permissions & 0xFFF));
                Add(node, key, file, Child(name), "openat");
            }

            return new CommitOnDisposeStream(owner, file);
        }

        public byte[] ReadSymbolicLink(ReadOnlySpan<byte> name)
        {
            lock (owner._gate)
            {
                var link = Entry(name, "readlinkat");
                return link.Type == PosixFileType.SymbolicLink ? (byte[])link.Content.Clone() : throw Error("readlinkat", Child(name), PosixErrno.EINVAL);
            }
        }

        public void CreateSymbolicLink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> name)
        {
            if (target.Contains((byte)0))
            {
                throw new ArgumentException($"The symlink target '{TarPath.Escape(target)}' contains a NUL byte.", nameof(target));
            }

            lock (owner._gate)
            {
                string key = Key(name);
                if (target.IsEmpty)
                {
                    throw Error("symlinkat", Child(name), PosixErrno.ENOENT);
                }

                Add(node, key, new Node(owner._nextInode++, (uint)PosixFileType.SymbolicLink | PosixPermissions.All) { Content = target.ToArray() }, Child(name), "symlinkat");
            }
        }

        public void CreateHardLink(IPosixDirectory sourceDirectory, ReadOnlySpan<byte> sourceName, ReadOnlySpan<byte> name)
        {
            ArgumentNullException.ThrowIfNull(sourceDirectory);
            string key = Key(name);
            if (sourceDirectory is not InMemoryPosixDirectory source || source.Owner != owner)
            {
                throw Error("linkat", Child(name), PosixErrno.EXDEV);
            }

            lock (owner._gate)
            {
                var existing = source.Entry(sourceName, "linkat");
                if (existing.Children is not null)
                {
                    throw Error("linkat", source.Child(sourceName), PosixErrno.EPERM);
                }

                Add(node, key, existing, Child(name), "linkat");
                existing.LinkCount++;
            }
        }

        public void CreateNode(ReadOnlySpan<byte> name, uint mode, ulong device)
        {
            string key = Key(name);
            var type = (PosixFileType)(mode & 0xF000);
            if (type is not (PosixFileType.CharacterDevice or PosixFileType.BlockDevice or PosixFileType.Fifo or PosixFileType.RegularFile))
            {
                throw Error("mknodat", Child(name), PosixErrno.EINVAL);
            }

            lock (owner._gate)
            {
                Add(node, key, new Node(owner._nextInode++, mode) { RDevice = device }, Child(name), "mknodat");
            }
        }

        public void Delete(ReadOnlySpan<byte> name)
        {
            lock (owner._gate)
            {
                string key = Key(name);
                var victim = Entry(name, "unlinkat");
                if (victim.Children is { Count: > 0 })
                {
                    throw Error("unlinkat", Child(name), PosixErrno.ENOTEMPTY);
                }

                node.Children!.Remove(key);
                if (victim.Children is not null)
                {
                    node.LinkCount--;
                }

                victim.LinkCount--;
            }
        }

        public void SetOwner(ReadOnlySpan<byte> name, uint uid, uint gid)
        {
            lock (owner._gate)
            {
                var target = Target(name, "fchownat");
                target.Uid = uid;
                target.Gid = gid;
            }
        }

        public void SetPermissions(ReadOnlySpan<byte> name, uint permissions)
        {
            lock (owner._gate)
            {
                var target = Target(name, "fchmodat");
                target.Mode = (target.Mode & 0xF000) | (permissions & 0xFFF);
            }
        }

        public void SetModificationTime(ReadOnlySpan<byte> name, long seconds, uint nanoseconds)
        {
            lock (owner._gate)
            {
                var target = Target(name, "utimensat");
                target.MTimeSeconds = seconds;
                target.MTimeNanoseconds = nanoseconds;
            }
        }

        public byte[]? GetExtendedAttribute(ReadOnlySpan<byte> name, string attribute)
        {
            ArgumentException.ThrowIfNullOrEmpty(attribute);
            lock (owner._gate)
            {
                return Target(name, "getxattr " + attribute).Xattrs.TryGetValue(attribute, out var value) ? (byte[])value.Clone() : null;
            }
        }

        public void SetExtendedAttribute(ReadOnlySpan<byte> name, string attribute, ReadOnlySpan<byte> value)
        {
            ArgumentException.ThrowIfNullOrEmpty(attribute);
            lock (owner._gate)
            {
                Target(name, "lsetxattr " + attribute).Xattrs[attribute] = value.ToArray();
            }
        }

        public IReadOnlyList<string> ListExtendedAttributes(ReadOnlySpan<byte> name)
        {
            lock (owner._gate)
            {
                return [.. Target(name, "listxattr").Xattrs.Keys];
            }
        }

        public void Dispose()
        {
        }

        private InMemoryPosixFileSystem Owner => owner;

        /// <summary>The entry <paramref name="name"/> (ENOENT when absent); call under the lock.</summary>
        private Node Entry(ReadOnlySpan<byte> name, string operation) =>
            node.Children!.TryGetValue(Key(name), out var child) ? child : throw Error(operation, Child(name), PosixErrno.ENOENT);

        /// <summary>Like <see cref="Entry"/>, but the empty name is this directory.</summary>
        private Node Target(ReadOnlySpan<byte> name, string operation)
        {
            PosixDirectoryHandle.ValidateName(name, allowEmpty: true);
            return name.IsEmpty ? node : Entry(name, operation);
        }

        private static string Key(ReadOnlySpan<byte> name)
        {
            PosixDirectoryHandle.ValidateName(name, allowEmpty: false);
            return KeyOf(name);
        }

        private string Child(ReadOnlySpan<byte> name) =>
            name.IsEmpty ? display : (display.EndsWith('/') ? display : display + "/") + TarPath.Escape(name);
    }
}
