namespace AptOstree.Deb;

/// <summary>The 60-byte header of one <c>ar</c> member, parsed the way dpkg parses it.</summary>
/// <param name="Name">Member name with trailing spaces and one trailing <c>/</c> removed.</param>
/// <param name="ModificationTime">Seconds since the epoch (dpkg ignores it when reading).</param>
/// <param name="Uid">Owner id (ignored by dpkg).</param>
/// <param name="Gid">Group id (ignored by dpkg).</param>
/// <param name="Mode">File mode, octal in the header (ignored by dpkg).</param>
/// <param name="Size">Size of the member data in bytes.</param>
/// <param name="HeaderOffset">Offset of the header from the start of the archive.</param>
public sealed record ArMemberHeader(string Name, long ModificationTime, int Uid, int Gid, uint Mode, long Size, long HeaderOffset)
{
    /// <summary>Offset of the member data from the start of the archive.</summary>
    public long DataOffset => HeaderOffset + ArFormat.HeaderSize;
}
