namespace AptOstree;

/// <summary>The kinds of entries a tar archive holds, as dpkg (<c>tarfn.h</c>) and libostree handle them.</summary>
public enum TarArchiveEntryType
{
    /// <summary>A regular file (type flag <c>0</c>, NUL or <c>7</c>).</summary>
    RegularFile,

    /// <summary>A hard link to an earlier entry (<c>1</c>).</summary>
    HardLink,

    /// <summary>A symbolic link (<c>2</c>).</summary>
    SymbolicLink,

    /// <summary>A character device (<c>3</c>).</summary>
    CharacterDevice,

    /// <summary>A block device (<c>4</c>).</summary>
    BlockDevice,

    /// <summary>A directory (<c>5</c>).</summary>
    Directory,

    /// <summary>A named pipe (<c>6</c>).</summary>
    Fifo,
}
