namespace AptOstree.OSTree;

/// <summary>Applies <see cref="ImportOptions"/> (filter, owner, canonical permissions, xattrs) to imported metadata.</summary>
internal sealed class ImportModifier
{
    public ImportModifier(OstreeRepository repository, ImportOptions options)
    {
        Options = options;
        Canonical = options.CanonicalPermissions || repository.Mode == RepoMode.BareUserOnly;
        SkipXattrs = Canonical || options.NoXattrs || repository.DisableXattrs;
        OwnerUid = Canonical ? 0 : options.OwnerUid;
        OwnerGid = Canonical ? 0 : options.OwnerGid;
        Filter = options.Filter;
    }

    public ImportOptions Options { get; }

    public Func<ImportEntry, ImportEntry?>? Filter { get; }

    public bool Canonical { get; }

    public bool SkipXattrs { get; }

    public uint? OwnerUid { get; }

    public uint? OwnerGid { get; }

    /// <summary>
    /// The entry at <paramref name="path"/> after <see cref="Filter"/>: null when it is to be left out, else its
    /// (possibly changed) owner and mode, with the file type kept.
    /// </summary>
    public (uint Uid, uint Gid, uint Mode)? Apply(string path, uint uid, uint gid, uint mode)
    {
        if (Filter is null)
        {
            return (uid, gid, mode);
        }

        return Filter(new ImportEntry(path, uid, gid, mode)) is { } kept
            ? (kept.Uid, kept.Gid, (mode & UnixMode.TypeMask) | (kept.Mode & ~UnixMode.TypeMask))
            : null;
    }

    public FileHeader File(uint uid, uint gid, uint mode, string target, IReadOnlyList<ExtendedAttribute> xattrs)
    {
        if (Canonical && UnixMode.IsRegular(mode))
        {
            mode &= UnixMode.TypeMask | UnixMode.CanonicalPermissionMask;
        }

        return new FileHeader(OwnerUid ?? uid, OwnerGid ?? gid, mode, target, SkipXattrs ? [] : xattrs);
    }

    public DirMeta Directory(uint uid, uint gid, uint mode, IReadOnlyList<ExtendedAttribute> xattrs)
    {
        if (Canonical)
        {
            mode &= UnixMode.TypeMask | UnixMode.CanonicalPermissionMask;
        }

        return new DirMeta(OwnerUid ?? uid, OwnerGid ?? gid, mode, SkipXattrs ? [] : xattrs);
    }

    /// <summary>True when <paramref name="xattrs"/> mark an overlayfs opaque directory; the marker is removed from the list.</summary>
    public bool TakeOpaqueMarker(ref IReadOnlyList<ExtendedAttribute> xattrs)
    {
        if (!Options.OverlayWhiteouts)
        {
            return false;
        }

        var opaque = xattrs.Any(IsOpaqueMarker);
        if (opaque)
        {
            xattrs = xattrs.Where(x => !IsOpaqueMarker(x)).ToList();
        }

        return opaque;

        static bool IsOpaqueMarker(ExtendedAttribute x) =>
            x.Name is "trusted.overlay.opaque" or "user.overlay.opaque" && x.Value.AsSpan().SequenceEqual("y"u8);
    }

    /// <summary>
    /// When whiteouts are read, the name a whiteout entry deletes (<c>.wh.NAME</c>, or a character device 0/0 named
    /// NAME), the empty string for the opaque marker <c>.wh..wh..opq</c>, else null.
    /// </summary>
    public string? WhiteoutTarget(string name, bool isCharDevice, ulong rdev)
    {
        if (!Options.OverlayWhiteouts)
        {
            return null;
        }

        if (isCharDevice && rdev == 0)
        {
            return name;
        }

        if (name == MutableTree.OpaqueWhiteout)
        {
            return string.Empty;
        }

        return name.StartsWith(MutableTree.WhiteoutPrefix, StringComparison.Ordinal) && name.Length > MutableTree.WhiteoutPrefix.Length
            ? name[MutableTree.WhiteoutPrefix.Length..]
            : null;
    }
}
