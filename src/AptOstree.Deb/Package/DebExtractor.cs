using System.Buffers;
using AptOstree.Posix;

namespace AptOstree.Deb;

/// <summary>
/// Writes tar entries below a root directory the way <c>dpkg-deb -x</c> (GNU tar <c>-xp</c>) does, without ever
/// writing outside it: names with <c>..</c> are refused, leading <c>/</c> stripped, every parent directory is
/// checked with lstat (a symlink in the way is refused), symlinks from the archive are created only after all
/// other entries (like dpkg's tarfn), and hard links may only point at files extracted earlier from the same archive.
/// Directory modes and times are applied last, deepest first.
/// </summary>
internal sealed class DebExtractor
{
    private const int CopyBufferSize = 1 << 18;
    private readonly string root;
    private readonly string sourceName;
    private readonly DebExtractOptions options;
    private readonly IPosixFileSystem fs;
    private readonly bool isRoot;
    private readonly HashSet<string> verifiedDirectories = new(StringComparer.Ordinal) { string.Empty };
    private readonly HashSet<string> extractedFiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DebTarEntry> pendingSymlinks = new(StringComparer.Ordinal);
    private readonly List<string> pendingSymlinkOrder = [];
    private readonly List<(string Path, DebTarEntry Entry)> directories = [];
    private readonly List<DebTarEntry> notApplied = [];
    private int entries;
    private int files;
    private int hardLinks;
    private int specials;
    private long bytes;

    public DebExtractor(string root, string sourceName, DebExtractOptions options, IPosixFileSystem fs)
    {
        this.root = Path.GetFullPath(root).TrimEnd('/');
        if (this.root.Length == 0)
        {
            this.root = "/";
        }

        this.sourceName = sourceName;
        this.options = options;
        this.fs = fs;
        isRoot = fs is LibcPosixFileSystem && LibcPosixFileSystem.IsRoot;
        Directory.CreateDirectory(this.root);
    }

    public long BytesWritten => bytes;

    public int EntriesHandled => entries;

    public void Apply(DebTarEntry entry, Stream? data)
    {
        entries++;
        var path = DebTarPath.Normalize(entry.Name);
        if (!DebTarPath.IsSafe(path))
        {
            throw new UnsafePathException(entry.Name, root, $"tar entry in {sourceName} has a '..' component");
        }

        if (path.Length == 0)
        {
            if (entry.Type != DebTarEntryType.Directory)
            {
                throw new InvalidFormatException(DebErrorCodes.InvalidTar, $"{sourceName}: tar entry '{entry.Name}' names the extraction root but is not a directory.", source: sourceName, location: entry.Name);
            }

            directories.Add((string.Empty, entry));
            return;
        }

        EnsureParent(path, entry.Name);
        var full = Full(path);
        if (pendingSymlinks.Remove(path))
        {
            pendingSymlinkOrder.Remove(path);
        }

        switch (entry.Type)
        {
            case DebTarEntryType.Directory:
                MakeDirectory(path, full, entry);
                break;
            case DebTarEntryType.RegularFile:
                WriteFile(path, full, entry, data ?? Stream.Null);
                break;
            case DebTarEntryType.HardLink:
                MakeHardLink(path, full, entry);
                break;
            case DebTarEntryType.SymbolicLink:
                if (verifiedDirectories.Contains(path))
                {
                    throw Conflict(entry, "a directory of that name was extracted earlier");
                }

                pendingSymlinks[path] = entry;
                pendingSymlinkOrder.Add(path);
                break;
            case DebTarEntryType.CharacterDevice:
            case DebTarEntryType.BlockDevice:
            case DebTarEntryType.Fifo:
                MakeNode(path, full, entry);
                break;
            default:
                throw new InvalidFormatException(DebErrorCodes.UnsupportedTarEntry, $"{sourceName}: unsupported tar entry type {entry.Type} for '{entry.Name}'.", source: sourceName, location: entry.Name);
        }
    }

    public DebExtractResult Finish()
    {
        foreach (var path in pendingSymlinkOrder)
        {
            var entry = pendingSymlinks[path];
            CheckParentsFresh(path, entry.Name);
            var full = Full(path);
            RemoveExisting(full, entry);
            fs.CreateSymbolicLink(entry.LinkTarget!, full);
            ApplyOwner(full, entry);
            fs.SetModificationTime(full, entry.ModificationTime.ToUnixTimeSeconds(), 0);
        }

        for (var i = directories.Count - 1; i >= 0; i--)
        {
            var (path, entry) = directories[i];
            var full = path.Length == 0 ? root : Full(path);
            ApplyOwner(full, entry);
            fs.SetPermissions(full, entry.Permissions);
            ApplyXattrs(full, entry);
            fs.SetModificationTime(full, entry.ModificationTime.ToUnixTimeSeconds(), 0);
        }

        return new DebExtractResult
        {
            Entries = entries,
            Files = files,
            Directories = directories.Count,
            SymbolicLinks = pendingSymlinkOrder.Count,
            HardLinks = hardLinks,
            SpecialFiles = specials,
            Bytes = bytes,
            MetadataNotApplied = notApplied,
        };
    }

    private string Full(string path) => root == "/" ? "/" + path : root + "/" + path;

    private void EnsureParent(string path, string name)
    {
        var parent = DebTarPath.GetParent(path);
        if (verifiedDirectories.Contains(parent))
        {
            return;
        }

        var prefixEnd = -1;
        while (true)
        {
            prefixEnd = parent.IndexOf('/', prefixEnd + 1);
            var prefix = prefixEnd < 0 ? parent : parent[..prefixEnd];
            if (!verifiedDirectories.Contains(prefix))
            {
                if (pendingSymlinks.ContainsKey(prefix))
                {
                    throw new UnsafePathException(name, root, $"it would be written through the symlink '{prefix}' planted earlier in {sourceName}");
                }

                var full = Full(prefix);
                if (fs.TryGetStatus(full, out var st))
                {
                    if (st.IsSymbolicLink)
                    {
                        throw new UnsafePathException(name, root, $"its parent '{prefix}' is an existing symlink");
                    }

                    if (!st.IsDirectory)
                    {
                        throw new InvalidFormatException(DebErrorCodes.ExtractionConflict, $"{sourceName}: cannot extract '{name}': '{prefix}' exists and is not a directory.", source: sourceName, location: name);
                    }
                }
                else
                {
                    fs.CreateDirectory(full, 0x1ED);
                }

                verifiedDirectories.Add(prefix);
            }

            if (prefixEnd < 0)
            {
                return;
            }
        }
    }

    private void CheckParentsFresh(string path, string name)
    {
        var parent = DebTarPath.GetParent(path);
        if (parent.Length == 0)
        {
            return;
        }

        var end = -1;
        do
        {
            end = parent.IndexOf('/', end + 1);
            var prefix = end < 0 ? parent : parent[..end];
            if (!fs.TryGetStatus(Full(prefix), out var st) || !st.IsDirectory)
            {
                throw new UnsafePathException(name, root, $"its parent '{prefix}' is no longer a plain directory");
            }
        }
        while (end >= 0);
    }

    private void MakeDirectory(string path, string full, DebTarEntry entry)
    {
        if (fs.TryGetStatus(full, out var st))
        {
            if (!st.IsDirectory)
            {
                fs.Delete(full);
                fs.CreateDirectory(full, 0x1C0);
            }
        }
        else
        {
            fs.CreateDirectory(full, 0x1C0);
        }

        verifiedDirectories.Add(path);
        directories.Add((path, entry));
    }

    private void WriteFile(string path, string full, DebTarEntry entry, Stream data)
    {
        FileStream output;
        try
        {
            output = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        }
        catch (IOException)
        {
            RemoveExisting(full, entry);
            output = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        }

        long written = 0;
        using (output)
        {
            if (entry.Size > 0)
            {
                var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyBufferSize, entry.Size));
                try
                {
                    while (written < entry.Size)
                    {
                        var n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, entry.Size - written));
                        if (n == 0)
                        {
                            break;
                        }

                        output.Write(buffer, 0, n);
                        written += n;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        if (written != entry.Size)
        {
            throw new InvalidFormatException(DebErrorCodes.InvalidTar, $"{sourceName}: tar data of '{entry.Name}' is truncated: {written} of {entry.Size} bytes.", source: sourceName, location: entry.Name);
        }

        ApplyOwner(full, entry);
        fs.SetPermissions(full, entry.Permissions);
        ApplyXattrs(full, entry);
        fs.SetModificationTime(full, entry.ModificationTime.ToUnixTimeSeconds(), 0);
        extractedFiles.Add(path);
        files++;
        bytes += written;
    }

    private void MakeHardLink(string path, string full, DebTarEntry entry)
    {
        var target = DebTarPath.Normalize(entry.LinkTarget!);
        if (!DebTarPath.IsSafe(target) || target.Length == 0)
        {
            throw new UnsafePathException(entry.Name, root, $"hard link target '{entry.LinkTarget}' leaves the extraction directory");
        }

        if (!extractedFiles.Contains(target))
        {
            throw new InvalidFormatException(
                DebErrorCodes.HardLinkTargetMissing,
                $"{sourceName}: hard link '{entry.Name}' points at '{entry.LinkTarget}', which was not extracted earlier from this archive.",
                source: sourceName,
                location: entry.Name);
        }

        if (target == path)
        {
            return;
        }

        var targetFull = Full(target);
        try
        {
            fs.CreateHardLink(targetFull, full);
        }
        catch (PosixException ex) when (ex.IsAlreadyExists)
        {
            RemoveExisting(full, entry);
            fs.CreateHardLink(targetFull, full);
        }

        extractedFiles.Add(path);
        hardLinks++;
    }

    private void MakeNode(string path, string full, DebTarEntry entry)
    {
        if (entry.Type != DebTarEntryType.Fifo && !isRoot)
        {
            notApplied.Add(entry);
            return;
        }

        RemoveExistingIfAny(full, entry);
        var device = entry.Type == DebTarEntryType.Fifo ? 0 : PosixDevice.Make((uint)entry.DeviceMajor, (uint)entry.DeviceMinor);
        fs.CreateNode(full, entry.Mode, device);
        ApplyOwner(full, entry);
        fs.SetPermissions(full, entry.Permissions);
        fs.SetModificationTime(full, entry.ModificationTime.ToUnixTimeSeconds(), 0);
        extractedFiles.Add(path);
        specials++;
    }

    private void RemoveExistingIfAny(string full, DebTarEntry entry)
    {
        if (fs.TryGetStatus(full, out _))
        {
            RemoveExisting(full, entry);
        }
    }

    private void RemoveExisting(string full, DebTarEntry entry)
    {
        if (!fs.TryGetStatus(full, out var st))
        {
            return;
        }

        if (st.IsDirectory)
        {
            if (fs.ListDirectory(full).Count > 0)
            {
                throw Conflict(entry, "a non-empty directory is in the way");
            }

            // The directory is replaced: later entries below its path must check it again, and Finish must not give
            // the replacement the directory's mode and times.
            var path = DebTarPath.Normalize(entry.Name);
            verifiedDirectories.Remove(path);
            directories.RemoveAll(d => d.Path == path);
        }

        fs.Delete(full);
    }

    private InvalidFormatException Conflict(DebTarEntry entry, string why) =>
        new(DebErrorCodes.ExtractionConflict, $"{sourceName}: cannot extract '{entry.Name}': {why}.", source: sourceName, location: entry.Name);

    private void ApplyOwner(string full, DebTarEntry entry)
    {
        if (!options.PreserveOwnership)
        {
            return;
        }

        if (!isRoot)
        {
            if (entry.Uid != 0 || entry.Gid != 0)
            {
                notApplied.Add(entry);
            }

            return;
        }

        var uid = HostAccounts.Instance.ResolveUid(entry.UserName, entry.Uid);
        var gid = HostAccounts.Instance.ResolveGid(entry.GroupName, entry.Gid);
        if (uid < 0 || gid < 0)
        {
            throw new InvalidFormatException(DebErrorCodes.InvalidTar, $"{sourceName}: tar entry '{entry.Name}' has a negative owner id.", source: sourceName, location: entry.Name);
        }

        fs.SetOwner(full, (uint)uid, (uint)gid);
    }

    private void ApplyXattrs(string full, DebTarEntry entry)
    {
        if (!options.ApplyExtendedAttributes || entry.ExtendedAttributes.Count == 0)
        {
            return;
        }

        foreach (var (name, value) in entry.ExtendedAttributes)
        {
            fs.SetExtendedAttribute(full, name, value.ToArray());
        }
    }
}
