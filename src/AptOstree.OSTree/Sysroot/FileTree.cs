using AptOstree.Posix;

namespace AptOstree.OSTree.Sysroot;

/// <summary>Recursive copy and delete over <see cref="IPosixFileSystem"/>, keeping mode, ownership and xattrs.</summary>
internal sealed class FileTree(IPosixFileSystem fs)
{
    private static readonly bool IsRoot = LibcPosixFileSystem.IsRoot;

    public IPosixFileSystem FileSystem => fs;

    public bool Exists(string path) => fs.TryGetStatus(path, out _);

    public bool IsDirectory(string path) => fs.TryGetStatus(path, out var st) && st.IsDirectory;

    /// <summary>
    /// <c>rm -rf</c>; making directories writable first so read-only trees can be removed. Post-order with an explicit
    /// stack: a deployment's depth comes from its commit.
    /// </summary>
    public void DeleteRecursive(string path)
    {
        if (!fs.TryGetStatus(path, out var st))
        {
            return;
        }

        var stack = new Stack<(string Path, PosixFileStatus Status, bool Emptied)>();
        stack.Push((path, st, false));
        while (stack.TryPop(out var item))
        {
            if (!item.Status.IsDirectory || item.Emptied)
            {
                fs.Delete(item.Path);
                continue;
            }

            if ((item.Status.Permissions & PosixPermissions.OwnerOnlyDirectory) != PosixPermissions.OwnerOnlyDirectory)
            {
                fs.SetPermissions(item.Path, item.Status.Permissions | PosixPermissions.OwnerOnlyDirectory);
            }

            stack.Push(item with { Emptied = true });
            foreach (var name in fs.ListDirectory(item.Path))
            {
                string child = $"{item.Path}/{name}";
                if (fs.TryGetStatus(child, out var childStatus))
                {
                    stack.Push((child, childStatus, false));
                }
            }
        }
    }

    /// <summary>Copies a file, symlink or directory tree to a path that must not exist.</summary>
    /// <returns>Paths of special files (fifos, sockets, devices) that were skipped.</returns>
    public List<string> CopyRecursive(string source, string destination, bool durable)
    {
        var skipped = new List<string>();
        var stack = new Stack<CopyFrame>();
        CopyOne(source, destination, durable, skipped, stack);
        while (stack.TryPeek(out var frame))
        {
            if (frame.NextName < frame.Names.Count)
            {
                string name = frame.Names[frame.NextName++];
                CopyOne($"{frame.Source}/{name}", $"{frame.Destination}/{name}", durable, skipped, stack);
                continue;
            }

            stack.Pop();
            TryChown(frame.Destination, frame.Status);
            fs.SetPermissions(frame.Destination, frame.Status.Permissions);
            if (durable)
            {
                fs.Sync(frame.Destination);
            }
        }

        return skipped;
    }

    /// <summary>Copies a file or symlink; a directory is created and pushed, to be finished once its entries are copied.</summary>
    private void CopyOne(string source, string destination, bool durable, List<string> skipped, Stack<CopyFrame> directories)
    {
        var st = fs.GetStatus(source);
        switch (st.FileType)
        {
            case PosixFileType.Directory:
                fs.CreateDirectory(destination, PosixPermissions.OwnerOnlyDirectory);
                CopyXattrs(source, destination);
                directories.Push(new CopyFrame(source, destination, st, fs.ListDirectory(source).Order(StringComparer.Ordinal).ToList()));
                break;
            case PosixFileType.RegularFile:
                CopyFile(source, destination, st, durable);
                break;
            case PosixFileType.SymbolicLink:
                fs.CreateSymbolicLink(fs.ReadSymbolicLink(source), destination);
                TryChown(destination, st);
                break;
            default:
                skipped.Add(source);
                break;
        }
    }

    private void CopyFile(string source, string destination, PosixFileStatus st, bool durable)
    {
        using (var input = fs.OpenRead(source))
        using (var output = fs.CreateFile(destination, PosixPermissions.OwnerOnlyFile))
        {
            input.CopyTo(output);
            // A type test (only a real file can be flushed to disk), no file access.
            if (durable && output is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }
        }

        TryChown(destination, st);
        CopyXattrs(source, destination);
        fs.SetPermissions(destination, st.Permissions);
        fs.SetModificationTime(destination, st.ModificationTimeSeconds, st.ModificationTimeNanoseconds);
    }

    private void TryChown(string path, PosixFileStatus st)
    {
        try
        {
            fs.SetOwner(path, st.Uid, st.Gid);
        }
        catch (PosixException ex) when (!IsRoot && ex.Errno is PosixErrno.EPERM or PosixErrno.EINVAL)
        {
            // Rootless: the copy keeps the caller's ownership, like a user-mode checkout.
        }
    }

    private void CopyXattrs(string source, string destination)
    {
        IReadOnlyList<string> names;
        try
        {
            names = fs.ListExtendedAttributes(source);
        }
        catch (PosixException ex) when (ex.Errno == PosixErrno.EOPNOTSUPP)
        {
            return;
        }

        foreach (var name in names)
        {
            var value = fs.GetExtendedAttribute(source, name);
            if (name == "user.ostreemeta" || value is null || value.Length == 0)
            {
                continue;
            }

            try
            {
                fs.SetExtendedAttribute(destination, name, value);
            }
            catch (PosixException ex) when (ex.Errno is PosixErrno.EPERM or PosixErrno.EOPNOTSUPP or PosixErrno.EACCES)
            {
                // security.*/trusted.* need privileges; user.ostreemeta-style state is not needed in /etc.
            }
        }
    }

    private sealed class CopyFrame(string source, string destination, PosixFileStatus status, List<string> names)
    {
        public string Source { get; } = source;

        public string Destination { get; } = destination;

        public PosixFileStatus Status { get; } = status;

        public List<string> Names { get; } = names;

        public int NextName { get; set; }
    }
}
