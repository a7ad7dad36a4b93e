namespace AptOstree.Posix;

/// <summary>The file type bits of <c>st_mode</c> (<c>S_IFMT</c>), with their wire values.</summary>
public enum PosixFileType : uint
{
    /// <summary>Not known or not set.</summary>
    Unknown = 0,

    /// <summary>FIFO (<c>S_IFIFO</c>).</summary>
    Fifo = 0x1000,

    /// <summary>Character device (<c>S_IFCHR</c>).</summary>
    CharacterDevice = 0x2000,

    /// <summary>Directory (<c>S_IFDIR</c>).</summary>
    Directory = 0x4000,

    /// <summary>Block device (<c>S_IFBLK</c>).</summary>
    BlockDevice = 0x6000,

    /// <summary>Regular file (<c>S_IFREG</c>).</summary>
    RegularFile = 0x8000,

    /// <summary>Symbolic link (<c>S_IFLNK</c>).</summary>
    SymbolicLink = 0xA000,

    /// <summary>Socket (<c>S_IFSOCK</c>).</summary>
    Socket = 0xC000,
}
