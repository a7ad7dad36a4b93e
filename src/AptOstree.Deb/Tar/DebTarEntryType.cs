namespace AptOstree.Deb;

/// <summary>The kinds of tar entries a .deb may contain (dpkg's <c>tarfn.h</c>).</summary>
public enum DebTarEntryType
{
    /// <summary>A regular file (<c>0</c> or NUL).</summary>
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
