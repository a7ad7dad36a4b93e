using System.Runtime.InteropServices;

namespace AptOstree.OSTree;

/// <summary>libc calls the repository needs beyond <see cref="Posix.IPosixFileSystem"/>: OFD locks and syncfs.</summary>
internal static partial class OstreeNative
{
    public const int FOfdSetLk = 37;
    public const int FOfdSetLkW = 38;
    public const short FRdLck = 0;
    public const short FWrLck = 1;
    public const short FUnLck = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, ref Flock lockInfo);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int Syncfs(int fd);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial nint Lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mkdir(string path, uint mode);

    /// <summary>syncfs on the file system holding <paramref name="path"/>.</summary>
    public static void SyncFileSystem(string path)
    {
        int fd = Open(path, 0x80000 /* O_RDONLY | O_CLOEXEC */, 0);
        if (fd >= 0)
        {
            _ = Syncfs(fd);
            _ = Close(fd);
        }
    }
}
