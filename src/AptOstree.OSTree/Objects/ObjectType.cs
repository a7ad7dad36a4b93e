namespace AptOstree.OSTree;

/// <summary>OSTree object types with libostree's wire values (<c>OstreeObjectType</c>).</summary>
public enum ObjectType
{
    /// <summary>Content: a regular file or symlink (<c>.file</c>, <c>.filez</c> in archive repos).</summary>
    File = 1,

    /// <summary>A directory listing (<c>.dirtree</c>).</summary>
    DirTree = 2,

    /// <summary>Directory ownership, mode and xattrs (<c>.dirmeta</c>).</summary>
    DirMeta = 3,

    /// <summary>A commit (<c>.commit</c>).</summary>
    Commit = 4,

    /// <summary>Marker of a deleted commit (<c>.tombstone-commit</c>).</summary>
    TombstoneCommit = 5,

    /// <summary>Detached commit metadata such as signatures (<c>.commitmeta</c>).</summary>
    CommitMeta = 6,

    /// <summary>Reflink dedup helper (<c>.payload-link</c>).</summary>
    PayloadLink = 7,

    /// <summary>Xattrs of content in bare-split-xattrs repos (<c>.file-xattrs</c>).</summary>
    FileXattrs = 8,

    /// <summary>Link from content to its xattrs in bare-split-xattrs repos (<c>.file-xattrs-link</c>).</summary>
    FileXattrsLink = 9,
}
