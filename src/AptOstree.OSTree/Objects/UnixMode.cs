namespace AptOstree.OSTree;

/// <summary>st_mode constants used by OSTree objects.</summary>
internal static class UnixMode
{
    public const uint TypeMask = 0xF000;
    public const uint Directory = 0x4000;
    public const uint Regular = 0x8000;
    public const uint Symlink = 0xA000;
    public const uint PermissionMask = 0xFFF;
    public const uint SetUid = 0x800;
    public const uint SetGid = 0x400;

    public static bool IsRegular(uint mode) => (mode & TypeMask) == Regular;

    public static bool IsSymlink(uint mode) => (mode & TypeMask) == Symlink;

    public static bool IsDirectory(uint mode) => (mode & TypeMask) == Directory;
}
