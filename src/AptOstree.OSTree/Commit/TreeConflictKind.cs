namespace AptOstree.OSTree;

/// <summary>How two trees differ at a path (<see cref="TreeConflict"/>).</summary>
public enum TreeConflictKind
{
    /// <summary>Both have a file (regular or symlink) there, with different content or metadata.</summary>
    File,

    /// <summary>The existing tree has a file, the incoming one a directory.</summary>
    FileAndDirectory,

    /// <summary>The existing tree has a directory, the incoming one a file.</summary>
    DirectoryAndFile,

    /// <summary>Both have the directory, with different owner, mode or xattrs.</summary>
    DirectoryMetadata,
}
