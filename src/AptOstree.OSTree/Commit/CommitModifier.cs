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
    }

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
