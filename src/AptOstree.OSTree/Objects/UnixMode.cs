using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// st_mode constants used by OSTree objects: the file-type bits are fixed by POSIX's <c>S_IF*</c> values (stored in
/// commits as they are); permission masks are spelled with <see cref="UnixFileMode"/>.
/// </summary>
internal static class UnixMode
{
    public const uint TypeMask = 0xF000;
    public const uint CharacterDevice = 0x2000;
    public const uint Directory = 0x4000;
    public const uint Regular = 0x8000;
    public const uint Symlink = 0xA000;
    public const uint PermissionMask = 0xFFF;
    public const uint SetUid = (uint)UnixFileMode.SetUser;
    public const uint SetGid = (uint)UnixFileMode.SetGroup;

    /// <summary><c>0775</c>: the bits a bare-user-only repository stores and <c>checkout -M</c> keeps on directories;
    /// also libostree's <c>DEFAULT_DIRECTORY_MODE</c> for directories it makes inside a repository.</summary>
    public const uint UserOnlyPermissionMask = PosixPermissions.All & ~(uint)UnixFileMode.OtherWrite;

    /// <summary><c>0755</c>: what <c>--canonical-permissions</c> masks modes with.</summary>
    public const uint CanonicalPermissionMask = PosixPermissions.Directory;

    /// <summary><c>0400</c>: the owner must be able to read what a user-mode checkout or bare-user repository writes.</summary>
    public const uint OwnerRead = (uint)UnixFileMode.UserRead;

    public static bool IsRegular(uint mode) => (mode & TypeMask) == Regular;

    public static bool IsSymlink(uint mode) => (mode & TypeMask) == Symlink;

    public static bool IsDirectory(uint mode) => (mode & TypeMask) == Directory;
}
