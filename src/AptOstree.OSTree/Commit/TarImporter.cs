using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// Streams tar entries (a tar file, or a .deb's data entries) straight into content objects and a
/// <see cref="MutableTree"/> without extracting anything (libostree's <c>write_archive_to_mtree</c> with parents
/// created): names must be UTF-8 (OSTree stores names as strings; libostree refuses the others too), a later entry
/// below a file fails instead of turning the file into a directory, hard links take their target's object.
/// </summary>
internal sealed class TarImporter
{
    private readonly RepositoryTransaction _transaction;
    private readonly ImportModifier _modifier;
    private readonly ImportProgress _progress;
    private readonly string _sourceName;
    private readonly Dictionary<string, Checksum> _byPath = new(StringComparer.Ordinal);
    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);

    public TarImporter(RepositoryTransaction transaction, ImportModifier modifier, ImportProgress progress, string? sourceName)
    {
        _transaction = transaction;
        _modifier = modifier;
        _progress = progress;
        _sourceName = sourceName ?? "tar";
    }

    public void Import(IEnumerable<TarArchiveEntry> entries, MutableTree tree)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            _progress.ThrowIfCancellationRequested();
            Import(entry, tree);
        }
    }

    private void Import(TarArchiveEntry entry, MutableTree tree)
    {
        if (!entry.HasUtf8Names)
        {
            throw new InvalidFormatException(
                OstreeErrorCodes.InvalidFileName,
                $"{_sourceName}: tar entry '{entry.EscapedName}'{(entry.LinkTarget is null ? string.Empty : $" (link to '{TarPath.Escape(entry.LinkTargetBytes.Span)}')")}: Invalid UTF-8 in filename; OSTree stores names as UTF-8 text.",
                source: _sourceName,
                location: entry.EscapedName);
        }

        var path = entry.Path;
        if (!TarPath.IsSafe(path))
        {
            throw new UnsafePathException(entry.EscapedName, "/", $"tar entry in {_sourceName} has a '..' component or a NUL");
        }

        var parts = path.Length == 0 ? [] : path.Split('/');
        var treePath = "/" + path;
        if (_skipped.Count > 0 && IsBelowSkipped(parts))
        {
            return;
        }

        var parentPath = parts.Length == 0 ? string.Empty : string.Join('/', parts[..^1]);
        var name = parts.Length == 0 ? string.Empty : parts[^1];
        if (name.Length > 0 && entry.Type != TarArchiveEntryType.Directory
            && _modifier.WhiteoutTarget(name, entry.Type == TarArchiveEntryType.CharacterDevice, (ulong)(entry.DeviceMajor | entry.DeviceMinor)) is { } whiteout)
        {
            var dir = EnsureDirectory(tree, parentPath, entry);
            if (whiteout.Length == 0)
            {
                dir.Opaque = true;
            }
            else
            {
                dir.AddWhiteout(whiteout);
            }

            return;
        }

        // The filter sees the entry's real type (a device node or FIFO too, so it can leave one out); a hard link counts as a file.
        if (_modifier.Apply(treePath, (uint)entry.Uid, (uint)entry.Gid, entry.Mode) is not { } kept)
        {
            // What is left out takes along the entries below it and the hard links to it.
            _skipped.Add(path);
            return;
        }

        var (uid, gid, fullMode) = kept;
        var mode = fullMode & ~UnixMode.TypeMask;
        IReadOnlyList<ExtendedAttribute> xattrs = Xattrs(entry);
        if (entry.Type == TarArchiveEntryType.Directory)
        {
            var dir = EnsureDirectory(tree, path, entry);
            if (_modifier.TakeOpaqueMarker(ref xattrs))
            {
                dir.Opaque = true;
            }

            dir.Meta = _modifier.Directory(uid, gid, UnixMode.Directory | mode, xattrs);
            return;
        }

        if (parts.Length == 0)
        {
            throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"{_sourceName}: tar entry '{entry.EscapedName}' is not a directory but names the root.", null, _sourceName, entry.EscapedName);
        }

        var parent = EnsureDirectory(tree, parentPath, entry);
        Checksum checksum;
        switch (entry.Type)
        {
            case TarArchiveEntryType.RegularFile:
                var header = _modifier.File(uid, gid, UnixMode.Regular | mode, string.Empty, xattrs);
                checksum = _transaction.WriteContent(header, _progress.Track(entry.DataStream, treePath), entry.Size);
                break;
            case TarArchiveEntryType.SymbolicLink:
                checksum = _transaction.WriteContent(_modifier.File(uid, gid, UnixMode.Symlink | PosixPermissions.All, entry.LinkTarget!, xattrs), null, 0);
                break;
            case TarArchiveEntryType.HardLink:
                var target = TarPath.Normalize(entry.LinkTarget!);
                if (!_byPath.TryGetValue(target, out checksum))
                {
                    if (_skipped.Count > 0 && IsBelowSkipped(target.Split('/')))
                    {
                        return;
                    }

                    throw new InvalidFormatException(OstreeErrorCodes.InvalidObject, $"{_sourceName}: tar hard link '{entry.EscapedName}' points to '{entry.LinkTarget}', which is not an earlier file of the archive.", null, _sourceName, entry.EscapedName);
                }

                break;
            default:
                throw new AptOstreeException(OstreeErrorCodes.UnsupportedFileType, $"{_sourceName}: tar entry '{entry.EscapedName}' is a {entry.Type}; OSTree can only store regular files, symlinks and directories.");
        }

        _byPath[path] = checksum;
        try
        {
            parent.ReplaceFile(name, checksum);
        }
        catch (AptOstreeException ex) when (ex.ErrorCode == OstreeErrorCodes.TreeConflict)
        {
            throw new AptOstreeException(OstreeErrorCodes.TreeConflict, $"{_sourceName}: tar entry '{entry.EscapedName}': {ex.Message}", ex);
        }

        _progress.FileDone(treePath);
    }

    private static List<ExtendedAttribute> Xattrs(TarArchiveEntry entry)
    {
        if (entry.ExtendedAttributes.Count == 0)
        {
            return [];
        }

        return [.. ExtendedAttribute.Canonicalize(entry.ExtendedAttributes.Select(a => new ExtendedAttribute(a.Key, a.Value.ToArray())))];
    }

    private MutableTree EnsureDirectory(MutableTree tree, string path, TarArchiveEntry entry)
    {
        try
        {
            return tree.EnsureDirectory(path);
        }
        catch (AptOstreeException ex) when (ex.ErrorCode == OstreeErrorCodes.TreeConflict)
        {
            throw new AptOstreeException(OstreeErrorCodes.TreeConflict, $"{_sourceName}: tar entry '{entry.EscapedName}': {ex.Message}", ex);
        }
    }

    private bool IsBelowSkipped(string[] parts)
    {
        if (_skipped.Contains(string.Empty))
        {
            return true;
        }

        var prefix = string.Empty;
        foreach (var part in parts)
        {
            prefix = prefix.Length == 0 ? part : prefix + "/" + part;
            if (_skipped.Contains(prefix))
            {
                return true;
            }
        }

        return false;
    }
}
