using System.Buffers;
using System.Text;
using AptOstree.Posix;

namespace AptOstree.Deb;

/// <summary>
/// Writes tar entries below a root directory the way <c>dpkg-deb -x</c> (GNU tar <c>-xp</c>) does, without ever
/// writing outside it: names with <c>..</c> are refused, leading <c>/</c> stripped, every parent directory is
/// checked with lstat (a symlink in the way is refused), symlinks from the archive are created only after all
/// other entries (like dpkg's tarfn), and hard links may only point at files or symlinks extracted earlier from the
/// same archive. Directory modes and times are applied last, deepest first. Names are the archive's bytes (they need
/// not be UTF-8): paths are kept as Latin-1 strings, one char per byte, and written through <see cref="PosixByteNames"/>.
/// </summary>
internal sealed class DebExtractor
{
    private const int CopyBufferSize = 1 << 18;
    private readonly string _root;
    private readonly string _sourceName;
    private readonly DebExtractOptions _options;
    private readonly string _rootDisplay;
    private readonly bool _isRoot;
    private readonly HashSet<string> _verifiedDirectories = new(StringComparer.Ordinal) { string.Empty };
    private readonly HashSet<string> _extractedFiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Order, TarArchiveEntry Entry)> _pendingSymlinks = new(StringComparer.Ordinal);
    private readonly List<DirectoryRecord> _directories = [];
    private readonly Dictionary<string, List<DirectoryRecord>> _directoriesByPath = new(StringComparer.Ordinal);
    private readonly List<(string Path, string Target, TarArchiveEntry Entry)> _pendingLinksToSymlinks = [];
    private readonly Action<string> _tick;
    private readonly List<TarArchiveEntry> _notApplied = [];
    private int _entries;
    private int _files;
    private int _hardLinks;
    private int _specials;
    private long _bytes;

    /// <param name="root">The extraction directory.</param>
    /// <param name="sourceName">The package, for messages.</param>
    /// <param name="options">What to apply.</param>
    /// <param name="tick">Called after every entry and every chunk of file content with the entry's name (progress and cancellation).</param>
    public DebExtractor(string root, string sourceName, DebExtractOptions options, Action<string>? tick = null)
    {
        _tick = tick ?? (_ => { });
        var full = Path.GetFullPath(root).TrimEnd('/');
        _rootDisplay = full.Length == 0 ? "/" : full;
        _root = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(_rootDisplay));
        _sourceName = sourceName;
        _options = options;
        _isRoot = LibcPosixFileSystem.IsRoot;
        Directory.CreateDirectory(_rootDisplay);
    }

    public long BytesWritten => _bytes;

    public int EntriesHandled => _entries;

    public void Apply(TarArchiveEntry entry, Stream? data)
    {
        _entries++;
        var path = Encoding.Latin1.GetString(entry.PathBytes.Span);
        if (!TarPath.IsSafe(path))
        {
            throw new UnsafePathException(entry.EscapedName, _rootDisplay, path.Contains('\0', StringComparison.Ordinal) ? $"tar entry in {_sourceName} has a NUL byte in its name" : $"tar entry in {_sourceName} has a '..' component");
        }

        if (path.Length == 0)
        {
            if (entry.Type != TarArchiveEntryType.Directory)
            {
                throw new InvalidFormatException(DebErrorCodes.InvalidTar, $"{_sourceName}: tar entry '{entry.Name}' names the extraction root but is not a directory.", source: _sourceName, location: entry.Name);
            }

            AddDirectoryRecord(string.Empty, entry);
            _tick(entry.Name);
            return;
        }

        EnsureParent(path, entry.Name);
        var full = Full(path);
        _pendingSymlinks.Remove(path);

        switch (entry.Type)
        {
            case TarArchiveEntryType.Directory:
                MakeDirectory(path, full, entry);
                break;
            case TarArchiveEntryType.RegularFile:
                WriteFile(path, full, entry, data ?? Stream.Null);
                break;
            case TarArchiveEntryType.HardLink:
                MakeHardLink(path, full, entry);
                break;
            case TarArchiveEntryType.SymbolicLink:
                if (_verifiedDirectories.Contains(path))
                {
                    throw Conflict(entry, "a directory of that name was extracted earlier");
                }

                _pendingSymlinks[path] = (_entries, entry);
                break;
            case TarArchiveEntryType.CharacterDevice:
            case TarArchiveEntryType.BlockDevice:
            case TarArchiveEntryType.Fifo:
                MakeNode(path, full, entry);
                break;
            default:
                throw new InvalidFormatException(DebErrorCodes.UnsupportedTarEntry, $"{_sourceName}: unsupported tar entry type {entry.Type} for '{entry.Name}'.", source: _sourceName, location: entry.Name);
        }

        _tick(entry.Name);
    }

    public DebExtractResult Finish()
    {
        var symlinks = _pendingSymlinks.OrderBy(p => p.Value.Order).ToList();
        foreach (var (path, (_, entry)) in symlinks)
        {
            CheckParentsFresh(path, entry.Name);
            var full = Full(path);
            RemoveExisting(full, entry);
            PosixByteNames.CreateSymbolicLink(entry.LinkTargetBytes.Span, Bytes(full));
            ApplyOwner(full, entry);
            PosixByteNames.SetModificationTime(Bytes(full), entry.ModificationTime.ToUnixTimeSeconds(), 0);
        }

        // Hard links to symlinks of the archive (dpkg-deb -x makes them: link(2) does not follow a symlink).
        foreach (var (path, target, entry) in _pendingLinksToSymlinks)
        {
            CheckParentsFresh(path, entry.Name);
            var full = Full(path);
            RemoveExisting(full, entry);
            PosixByteNames.CreateHardLink(Bytes(Full(target)), Bytes(full));
            _hardLinks++;
        }

        for (var i = _directories.Count - 1; i >= 0; i--)
        {
            if (_directories[i].Removed)
            {
                continue;
            }

            var (path, entry) = (_directories[i].Path, _directories[i].Entry);
            var full = path.Length == 0 ? _root : Full(path);
            ApplyOwner(full, entry);
            PosixByteNames.SetPermissions(Bytes(full), entry.Permissions);
            ApplyXattrs(full, entry);
            PosixByteNames.SetModificationTime(Bytes(full), entry.ModificationTime.ToUnixTimeSeconds(), 0);
        }

        return new DebExtractResult
        {
            Entries = _entries,
            Files = _files,
            Directories = _directories.Count(d => !d.Removed),
            SymbolicLinks = symlinks.Count,
            HardLinks = _hardLinks,
            SpecialFiles = _specials,
            Bytes = _bytes,
            MetadataNotApplied = _notApplied,
        };
    }

    private static byte[] Bytes(string latin1Path) => Encoding.Latin1.GetBytes(latin1Path);

    private static string Display(string latin1Path) => TarPath.Escape(Bytes(latin1Path));

    private static bool TryGetType(string full, out PosixFileType type)
    {
        var exists = PosixByteNames.TryGetMode(Bytes(full), out var mode);
        type = (PosixFileType)(mode & 0xF000);
        return exists;
    }

    private string Full(string path) => _root == "/" ? "/" + path : _root + "/" + path;

    private void EnsureParent(string path, string name)
    {
        var parent = TarPath.GetParent(path);
        if (_verifiedDirectories.Contains(parent))
        {
            return;
        }

        var prefixEnd = -1;
        while (true)
        {
            prefixEnd = parent.IndexOf('/', prefixEnd + 1);
            var prefix = prefixEnd < 0 ? parent : parent[..prefixEnd];
            if (!_verifiedDirectories.Contains(prefix))
            {
                if (_pendingSymlinks.ContainsKey(prefix))
                {
                    throw new UnsafePathException(name, _rootDisplay, $"it would be written through the symlink '{Display(prefix)}' planted earlier in {_sourceName}");
                }

                var full = Full(prefix);
                if (TryGetType(full, out var type))
                {
                    if (type == PosixFileType.SymbolicLink)
                    {
                        throw new UnsafePathException(name, _rootDisplay, $"its parent '{Display(prefix)}' is an existing symlink");
                    }

                    if (type != PosixFileType.Directory)
                    {
                        throw new InvalidFormatException(DebErrorCodes.ExtractionConflict, $"{_sourceName}: cannot extract '{name}': '{Display(prefix)}' exists and is not a directory.", source: _sourceName, location: name);
                    }
                }
                else
                {
                    PosixByteNames.CreateDirectory(Bytes(full), PosixPermissions.Directory);
                }

                _verifiedDirectories.Add(prefix);
            }

            if (prefixEnd < 0)
            {
                return;
            }
        }
    }

    private void CheckParentsFresh(string path, string name)
    {
        var parent = TarPath.GetParent(path);
        if (parent.Length == 0)
        {
            return;
        }

        var end = -1;
        do
        {
            end = parent.IndexOf('/', end + 1);
            var prefix = end < 0 ? parent : parent[..end];
            if (!TryGetType(Full(prefix), out var type) || type != PosixFileType.Directory)
            {
                throw new UnsafePathException(name, _rootDisplay, $"its parent '{Display(prefix)}' is no longer a plain directory");
            }
        }
        while (end >= 0);
    }

    private void MakeDirectory(string path, string full, TarArchiveEntry entry)
    {
        if (TryGetType(full, out var type))
        {
            if (type != PosixFileType.Directory)
            {
                PosixByteNames.Delete(Bytes(full));
                PosixByteNames.CreateDirectory(Bytes(full), PosixPermissions.OwnerOnlyDirectory);
            }
        }
        else
        {
            PosixByteNames.CreateDirectory(Bytes(full), PosixPermissions.OwnerOnlyDirectory);
        }

        _verifiedDirectories.Add(path);
        AddDirectoryRecord(path, entry);
    }

    private void AddDirectoryRecord(string path, TarArchiveEntry entry)
    {
        var record = new DirectoryRecord(path, entry);
        _directories.Add(record);
        if (!_directoriesByPath.TryGetValue(path, out var list))
        {
            _directoriesByPath[path] = list = [];
        }

        list.Add(record);
    }

    private void WriteFile(string path, string full, TarArchiveEntry entry, Stream data)
    {
        FileStream output;
        if (_verifiedDirectories.Contains(path))
        {
            RemoveExisting(full, entry);
        }

        try
        {
            output = PosixByteNames.CreateNewFile(Bytes(full), PosixPermissions.OwnerOnlyFile);
        }
        catch (PosixException ex) when (ex.IsAlreadyExists)
        {
            RemoveExisting(full, entry);
            output = PosixByteNames.CreateNewFile(Bytes(full), PosixPermissions.OwnerOnlyFile);
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
                        _tick(entry.Name);
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
            throw new InvalidFormatException(DebErrorCodes.InvalidTar, $"{_sourceName}: tar data of '{entry.Name}' is truncated: {written} of {entry.Size} bytes.", source: _sourceName, location: entry.Name);
        }

        ApplyOwner(full, entry);
        PosixByteNames.SetPermissions(Bytes(full), entry.Permissions);
        ApplyXattrs(full, entry);
        PosixByteNames.SetModificationTime(Bytes(full), entry.ModificationTime.ToUnixTimeSeconds(), 0);
        _extractedFiles.Add(path);
        _files++;
        _bytes += written;
    }

    private void MakeHardLink(string path, string full, TarArchiveEntry entry)
    {
        var target = Encoding.Latin1.GetString(TarPath.Normalize(entry.LinkTargetBytes.Span));
        if (!TarPath.IsSafe(target) || target.Length == 0)
        {
            throw new UnsafePathException(entry.EscapedName, _rootDisplay, $"hard link target '{TarPath.Escape(entry.LinkTargetBytes.Span)}' leaves the extraction directory");
        }

        if (_pendingSymlinks.ContainsKey(target) && target != path)
        {
            _pendingLinksToSymlinks.Add((path, target, entry));
            return;
        }

        if (!_extractedFiles.Contains(target))
        {
            throw new InvalidFormatException(
                DebErrorCodes.HardLinkTargetMissing,
                $"{_sourceName}: hard link '{entry.Name}' points at '{entry.LinkTarget}', which was not extracted earlier from this archive.",
                source: _sourceName,
                location: entry.Name);
        }

        if (target == path)
        {
            return;
        }

        var targetFull = Full(target);
        try
        {
            PosixByteNames.CreateHardLink(Bytes(targetFull), Bytes(full));
        }
        catch (PosixException ex) when (ex.IsAlreadyExists)
        {
            RemoveExisting(full, entry);
            PosixByteNames.CreateHardLink(Bytes(targetFull), Bytes(full));
        }

        _extractedFiles.Add(path);
        _hardLinks++;
    }

    private void MakeNode(string path, string full, TarArchiveEntry entry)
    {
        if (entry.Type != TarArchiveEntryType.Fifo && !_isRoot)
        {
            _notApplied.Add(entry);
            return;
        }

        RemoveExistingIfAny(full, entry);
        var device = entry.Type == TarArchiveEntryType.Fifo ? 0 : PosixDevice.Make((uint)entry.DeviceMajor, (uint)entry.DeviceMinor);
        PosixByteNames.CreateNode(Bytes(full), entry.Mode, device);
        ApplyOwner(full, entry);
        PosixByteNames.SetPermissions(Bytes(full), entry.Permissions);
        PosixByteNames.SetModificationTime(Bytes(full), entry.ModificationTime.ToUnixTimeSeconds(), 0);
        _extractedFiles.Add(path);
        _specials++;
    }

    private void RemoveExistingIfAny(string full, TarArchiveEntry entry)
    {
        if (TryGetType(full, out _))
        {
            RemoveExisting(full, entry);
        }
    }

    private void RemoveExisting(string full, TarArchiveEntry entry)
    {
        if (!TryGetType(full, out var type))
        {
            return;
        }

        if (type == PosixFileType.Directory)
        {
            if (!PosixByteNames.IsEmptyDirectory(Bytes(full)))
            {
                throw Conflict(entry, "a non-empty directory is in the way");
            }

            // The directory is replaced: later entries below its path must check it again, and Finish must not give
            // the replacement the directory's mode and times.
            var path = Encoding.Latin1.GetString(entry.PathBytes.Span);
            _verifiedDirectories.Remove(path);
            if (_directoriesByPath.Remove(path, out var records))
            {
                foreach (var record in records)
                {
                    record.Removed = true;
                }
            }
        }

        PosixByteNames.Delete(Bytes(full));
    }

    private InvalidFormatException Conflict(TarArchiveEntry entry, string why) =>
        new(DebErrorCodes.ExtractionConflict, $"{_sourceName}: cannot extract '{entry.Name}': {why}.", source: _sourceName, location: entry.Name);

    private void ApplyOwner(string full, TarArchiveEntry entry)
    {
        if (!_options.PreserveOwnership)
        {
            return;
        }

        if (!_isRoot)
        {
            if (entry.Uid != 0 || entry.Gid != 0)
            {
                _notApplied.Add(entry);
            }

            return;
        }

        var uid = HostAccounts.Instance.ResolveUid(entry.UserName, entry.Uid);
        var gid = HostAccounts.Instance.ResolveGid(entry.GroupName, entry.Gid);
        if (uid < 0 || gid < 0)
        {
            throw new InvalidFormatException(DebErrorCodes.InvalidTar, $"{_sourceName}: tar entry '{entry.Name}' has a negative owner id.", source: _sourceName, location: entry.Name);
        }

        PosixByteNames.SetOwner(Bytes(full), (uint)uid, (uint)gid);
    }

    private void ApplyXattrs(string full, TarArchiveEntry entry)
    {
        if (!_options.ApplyExtendedAttributes || entry.ExtendedAttributes.Count == 0)
        {
            return;
        }

        foreach (var (name, value) in entry.ExtendedAttributes)
        {
            PosixByteNames.SetExtendedAttribute(Bytes(full), name, value.Span);
        }
    }

    /// <summary>A directory whose mode and times are applied at the end, unless a later entry replaced it.</summary>
    private sealed class DirectoryRecord(string path, TarArchiveEntry entry)
    {
        public string Path { get; } = path;

        public TarArchiveEntry Entry { get; } = entry;

        public bool Removed { get; set; }
    }
}
