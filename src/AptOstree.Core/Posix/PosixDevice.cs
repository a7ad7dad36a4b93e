namespace AptOstree.Posix;

/// <summary>glibc's <c>makedev</c>/<c>major</c>/<c>minor</c> encoding of Linux device numbers.</summary>
public static class PosixDevice
{
    /// <summary>Combines a major and minor number into a <c>dev_t</c>.</summary>
    public static ulong Make(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000u) << 32) | ((ulong)(major & 0xfffu) << 8) |
        ((ulong)(minor & 0xffffff00u) << 12) | (minor & 0xffu);

    /// <summary>The major number of a <c>dev_t</c>.</summary>
    public static uint Major(ulong device) => (uint)(((device >> 32) & 0xfffff000u) | ((device >> 8) & 0xfffu));

    /// <summary>The minor number of a <c>dev_t</c>.</summary>
    public static uint Minor(ulong device) => (uint)(((device >> 12) & 0xffffff00u) | (device & 0xffu));
}
