namespace AptOstree.Posix;

/// <summary>
/// The permission bits the SDK creates files and directories with, spelled with <see cref="UnixFileMode"/> as the
/// <c>uint</c> the file layer (<see cref="IPosixFileSystem"/>, <see cref="AtomicFile"/>) takes.
/// </summary>
public static class PosixPermissions
{
    /// <summary><c>0755</c> (<c>rwxr-xr-x</c>): directories and executables.</summary>
    public const uint Directory = (uint)(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

    /// <summary><c>0755</c> (<c>rwxr-xr-x</c>): an executable file.</summary>
    public const uint Executable = Directory;

    /// <summary><c>0644</c> (<c>rw-r--r--</c>): a regular file.</summary>
    public const uint File = (uint)(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    /// <summary><c>0700</c> (<c>rwx------</c>): a directory only its owner may enter.</summary>
    public const uint OwnerOnlyDirectory = (uint)(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary><c>0600</c> (<c>rw-------</c>): a file only its owner may read.</summary>
    public const uint OwnerOnlyFile = (uint)(UnixFileMode.UserRead | UnixFileMode.UserWrite);

    /// <summary><c>0777</c> (<c>rwxrwxrwx</c>): what a symbolic link reports.</summary>
    public const uint All = (uint)(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

    /// <summary><c>01777</c> (<c>rwxrwxrwt</c>): a shared temporary directory such as <c>/tmp</c>.</summary>
    public const uint StickyWorldWritable = All | (uint)UnixFileMode.StickyBit;
}
