using System.Runtime.InteropServices;

namespace AptOstree.Posix;

/// <summary>The descriptor-relative calls <see cref="PosixDirectoryHandle"/> needs beyond those of <c>LibcNative.cs</c>.</summary>
internal static unsafe partial class LibcNative
{
    internal const int AtEmptyPath = 0x1000;
    internal const int AtRemoveDir = 0x200;

    [LibraryImport(Libc, EntryPoint = "fchownat", SetLastError = true)]
    internal static partial int Fchownat(int dirFd, byte* path, uint uid, uint gid, int flags);

    [LibraryImport(Libc, EntryPoint = "fchmodat", SetLastError = true)]
    internal static partial int Fchmodat(int dirFd, byte* path, uint mode, int flags);

    [LibraryImport(Libc, EntryPoint = "unlinkat", SetLastError = true)]
    internal static partial int Unlinkat(int dirFd, byte* path, int flags);

    [LibraryImport(Libc, EntryPoint = "fgetxattr", SetLastError = true)]
    internal static partial nint Fgetxattr(int fd, byte* name, byte* value, nuint size);

    [LibraryImport(Libc, EntryPoint = "flistxattr", SetLastError = true)]
    internal static partial nint Flistxattr(int fd, byte* list, nuint size);
}
