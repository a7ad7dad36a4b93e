namespace AptOstree.OSTree;

/// <summary>Applies <see cref="CommitOptions"/> overrides (owner, canonical permissions, xattrs) to committed metadata.</summary>
internal sealed class CommitModifier
{
    public CommitModifier(OstreeRepository repository, CommitOptions options)
    {
        Canonical = options.CanonicalPermissions || repository.Mode == RepoMode.BareUserOnly;
        SkipXattrs = Canonical || options.NoXattrs || repository.DisableXattrs;
        OwnerUid = Canonical ? 0 : options.OwnerUid;
        OwnerGid = Canonical ? 0 : options.OwnerGid;
        Filter = options.Filter;
    }

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

        return Filter(new CommitEntry(path, uid, gid, mode)) is { } kept
            ? (kept.Uid, kept.Gid, (mode & UnixMode.TypeMask) | (kept.Mode & ~UnixMode.TypeMask))
            : null;
    }

    public Func<CommitEntry, CommitEntry?>? Filter { get; }

    public bool Canonical { get; }

    public bool SkipXattrs { get; }

    public uint? OwnerUid { get; }

    public uint? OwnerGid { get; }

    public FileHeader File(uint uid, uint gid, uint mode, string target, IReadOnlyList<ExtendedAttribute> xattrs)
    {
        if (Canonical && UnixMode.IsRegular(mode))
        {
            mode &= UnixMode.TypeMask | 0x1ED;
        }

        return new FileHeader(OwnerUid ?? uid, OwnerGid ?? gid, mode, target, SkipXattrs ? [] : xattrs);
    }

    public DirMeta Directory(uint uid, uint gid, uint mode, IReadOnlyList<ExtendedAttribute> xattrs)
    {
        if (Canonical)
        {
            mode &= UnixMode.TypeMask | 0x1ED;
        }

        return new DirMeta(OwnerUid ?? uid, OwnerGid ?? gid, mode, SkipXattrs ? [] : xattrs);
    }
}
