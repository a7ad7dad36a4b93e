namespace AptOstree.Posix;

/// <summary>What <c>lstat</c> reports of a path (the link itself, never its target).</summary>
public readonly record struct PosixFileStatus
{
    /// <summary>Full <c>st_mode</c>: type bits and permission bits including setuid/setgid/sticky.</summary>
    public uint Mode { get; init; }

    /// <summary>Owner user id.</summary>
    public uint Uid { get; init; }

    /// <summary>Owner group id.</summary>
    public uint Gid { get; init; }

    /// <summary>Size in bytes (for symlinks, the target's length).</summary>
    public long Size { get; init; }

    /// <summary>Number of hard links.</summary>
    public uint LinkCount { get; init; }

    /// <summary>Device holding the inode (<c>st_dev</c>).</summary>
    public ulong Device { get; init; }

    /// <summary>Inode number.</summary>
    public ulong Inode { get; init; }

    /// <summary>Device number for character and block devices (<c>st_rdev</c>).</summary>
    public ulong RDevice { get; init; }

    /// <summary>Seconds of <c>st_mtime</c> since the epoch.</summary>
    public long ModificationTimeSeconds { get; init; }

    /// <summary>Nanoseconds part of <c>st_mtime</c>.</summary>
    public uint ModificationTimeNanoseconds { get; init; }

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
