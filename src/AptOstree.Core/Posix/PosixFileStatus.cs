namespace AptOstree.Posix;

/// <summary>What <c>lstat</c> reports of a path (the link itself, never its target).</summary>
/// <param name="Mode">Full <c>st_mode</c>: type bits and permission bits including setuid/setgid/sticky.</param>
/// <param name="Uid">Owner user id.</param>
/// <param name="Gid">Owner group id.</param>
/// <param name="Size">Size in bytes (for symlinks, the target's length).</param>
/// <param name="LinkCount">Number of hard links.</param>
/// <param name="Device">Device holding the inode (<c>st_dev</c>).</param>
/// <param name="Inode">Inode number.</param>
/// <param name="RDevice">Device number for character and block devices (<c>st_rdev</c>).</param>
/// <param name="ModificationTimeSeconds">Seconds of <c>st_mtime</c> since the epoch.</param>
/// <param name="ModificationTimeNanoseconds">Nanoseconds part of <c>st_mtime</c>.</param>
public readonly record struct PosixFileStatus(
    uint Mode,
    uint Uid,
    uint Gid,
    long Size,
    uint LinkCount,
    ulong Device,
    ulong Inode,
    ulong RDevice,
    long ModificationTimeSeconds,
    uint ModificationTimeNanoseconds)
{
    /// <summary>The type bits.</summary>
    public PosixFileType FileType => (PosixFileType)(Mode & 0xF000);

    /// <summary>Permission bits including setuid, setgid and sticky (<c>mode &amp; 07777</c>).</summary>
    public uint Permissions => Mode & 0xFFF;

    /// <summary>True for a directory.</summary>
    public bool IsDirectory => FileType == PosixFileType.Directory;

    /// <summary>True for a regular file.</summary>
    public bool IsRegularFile => FileType == PosixFileType.RegularFile;

    /// <summary>True for a symbolic link.</summary>
    public bool IsSymbolicLink => FileType == PosixFileType.SymbolicLink;

    /// <summary>The modification time as a UTC instant (whole-second precision plus ticks).</summary>
    public DateTimeOffset ModificationTime =>
        DateTimeOffset.FromUnixTimeSeconds(ModificationTimeSeconds).AddTicks(ModificationTimeNanoseconds / 100);
}
