namespace AptOstree.OSTree;

/// <summary>How a repository stores content objects (<c>core.mode</c>).</summary>
public enum RepoMode
{
    /// <summary>Plain files owned and moded as in the tree (needs root for foreign owners).</summary>
    Bare,

    /// <summary>Plain files; ownership, mode and xattrs in the <c>user.ostreemeta</c> xattr.</summary>
    BareUser,

    /// <summary>Plain files with canonical permissions; no ownership or xattrs kept.</summary>
    BareUserOnly,

    /// <summary>Like bare, with xattrs as separate objects (read-only here, as upstream).</summary>
    BareSplitXattrs,

    /// <summary>Compressed <c>.filez</c> objects, suitable for serving over HTTP (<c>archive-z2</c>).</summary>
    Archive,
}
