namespace AptOstree.OSTree;

/// <summary>One entry of a commit's tree, as <c>ostree ls</c> shows it.</summary>
/// <param name="Path">Absolute path inside the commit (<c>/</c> for the root).</param>
/// <param name="Mode">Full st_mode.</param>
/// <param name="Uid">Owner user id.</param>
/// <param name="Gid">Owner group id.</param>
/// <param name="Size">Content size (0 for directories and symlinks).</param>
/// <param name="Checksum">Content checksum (files, symlinks) or dirtree checksum (directories).</param>
/// <param name="MetaChecksum">The dirmeta checksum for directories, else null.</param>
/// <param name="SymlinkTarget">The link text for symlinks, else empty.</param>
/// <param name="Xattrs">Extended attributes.</param>
public sealed record TreeEntry(string Path, uint Mode, uint Uid, uint Gid, long Size, Checksum Checksum, Checksum? MetaChecksum, string SymlinkTarget, IReadOnlyList<ExtendedAttribute> Xattrs)
{
    /// <summary>True for a directory.</summary>
    public bool IsDirectory => UnixMode.IsDirectory(Mode);

    /// <summary>True for a symlink.</summary>
    public bool IsSymlink => UnixMode.IsSymlink(Mode);

    /// <summary>The line <c>ostree ls [-C]</c> prints for this entry: <c>TYPE0MODE UID GID SIZE [CSUMS] PATH[ -> TARGET]</c>.</summary>
    public string ToLsLine(bool checksums = false)
    {
        char type = IsDirectory ? 'd' : IsSymlink ? 'l' : '-';
        var sb = new System.Text.StringBuilder();
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{type}0{Convert.ToString(Mode & UnixMode.PermissionMask, 8).PadLeft(4, '0')} {Uid} {Gid} {Size,6} ");
        if (checksums)
        {
            sb.Append(Checksum).Append(' ');
            if (MetaChecksum is Checksum meta)
            {
                sb.Append(meta).Append(' ');
            }
        }

        sb.Append(Path);
        if (IsSymlink)
        {
            sb.Append(" -> ").Append(SymlinkTarget);
        }

        return sb.ToString();
    }
}
