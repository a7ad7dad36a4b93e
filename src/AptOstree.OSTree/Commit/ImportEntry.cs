namespace AptOstree.OSTree;

/// <summary>
/// A file, symlink or directory as an import filter (<see cref="ImportOptions.Filter"/>) sees it: its path from the
/// imported root (<c>/usr/bin/sudo</c>; the root itself is <c>/</c>) and the owner and mode it will be stored with.
/// </summary>
/// <param name="Path">The absolute path inside the imported tree.</param>
/// <param name="Uid">The owner.</param>
/// <param name="Gid">The group.</param>
/// <param name="Mode">The full mode, file type bits included.</param>
public sealed record ImportEntry(string Path, uint Uid, uint Gid, uint Mode);
