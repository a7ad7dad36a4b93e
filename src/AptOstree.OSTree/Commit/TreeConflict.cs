namespace AptOstree.OSTree;

/// <summary>A path two trees claim differently, met by <see cref="MutableTree.Merge"/>.</summary>
/// <param name="Path">The absolute path inside the tree (<c>/usr/bin/ls</c>).</param>
/// <param name="Kind">How the two sides differ.</param>
/// <param name="ExistingFile">The content checksum on the existing side when it is a file.</param>
/// <param name="IncomingFile">The content checksum on the incoming side when it is a file.</param>
public sealed record TreeConflict(string Path, TreeConflictKind Kind, Checksum? ExistingFile, Checksum? IncomingFile)
{
    /// <summary>A short description for messages.</summary>
    public string Describe() => Kind switch
    {
        TreeConflictKind.File => $"both ship a file, with different content ({ExistingFile} and {IncomingFile})",
        TreeConflictKind.FileAndDirectory => "a file exists where a directory comes in",
        TreeConflictKind.DirectoryAndFile => "a directory exists where a file comes in",
        _ => "both ship the directory with different owner, mode or xattrs",
    };
}
