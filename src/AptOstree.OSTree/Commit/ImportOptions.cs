namespace AptOstree.OSTree;

/// <summary>
/// How files are taken into a tree (libostree's <c>OstreeRepoCommitModifier</c>): which are left out, which owner and
/// permissions they get, whether their xattrs are kept. Kept apart from <see cref="CommitOptions"/>, which says what
/// the commit object records; one <see cref="MutableTreeBuilder"/> applies one set of these to every import.
/// </summary>
public sealed record ImportOptions
{
    /// <summary>Import everything as it is.</summary>
    public static ImportOptions Default { get; } = new();

    /// <summary>
    /// Called for every file, symlink and directory before it is stored, as libostree's commit filter is: return
    /// null to leave it out (a directory with everything below it), or the entry, with its owner or permission bits
    /// changed if wanted (the file type cannot change). Tar entries OSTree cannot store (device nodes, FIFOs) are shown to
    /// the filter before they fail the import, so it can leave them out. Runs before <see cref="OwnerUid"/>, <see cref="OwnerGid"/> and
    /// <see cref="CanonicalPermissions"/> apply. Files are re-read rather than taken from <see cref="DevInoCache"/>.
    /// </summary>
    public Func<ImportEntry, ImportEntry?>? Filter { get; init; }

    /// <summary>uid=gid=0, modes masked with 0755, no xattrs (<c>--canonical-permissions</c>; implied in bare-user-only repos).</summary>
    public bool CanonicalPermissions { get; init; }

    /// <summary>Overrides every file's owner uid (<c>--owner-uid</c>).</summary>
    public uint? OwnerUid { get; init; }

    /// <summary>Overrides every file's owner gid (<c>--owner-gid</c>).</summary>
    public uint? OwnerGid { get; init; }

    /// <summary>Ignore extended attributes (<c>--no-xattrs</c>).</summary>
    public bool NoXattrs { get; init; }

    /// <summary>(device, inode) → checksum of files hardlinked from this repository, so they are not rehashed (<c>--link-checkout-speedup</c>).</summary>
    public DevInoCache? DevInoCache { get; init; }

    /// <summary>
    /// Read overlayfs whiteouts instead of storing them: a character device 0/0 or a file <c>.wh.NAME</c> becomes a
    /// whiteout of NAME in the tree (<see cref="MutableTree.Whiteouts"/>), a file <c>.wh..wh..opq</c> or the xattr
    /// <c>trusted.overlay.opaque</c>/<c>user.overlay.opaque</c> = <c>y</c> marks the directory opaque. Use it to import an
    /// overlayfs upper directory (or a layer tar) and then <see cref="MutableTree.Overlay"/> it onto a base tree.
    /// </summary>
    public bool OverlayWhiteouts { get; init; }

    /// <summary>True when the options change nothing, so an imported commit's objects can be taken as they are.</summary>
    internal bool IsIdentity => Filter is null && !CanonicalPermissions && OwnerUid is null && OwnerGid is null && !NoXattrs && !OverlayWhiteouts;
}
