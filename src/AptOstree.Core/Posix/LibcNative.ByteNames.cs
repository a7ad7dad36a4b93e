using System.Runtime.InteropServices;

namespace AptOstree.Posix;

/// <summary>libc entry points taking names as NUL-terminated bytes (names that need not be UTF-8), for <see cref="PosixByteNames"/>.</summary>
internal static unsafe partial class LibcNative
{
    internal const int ONoFollow = 0x20000;
    internal const int ODirectory = 0x10000;

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true)]
    internal static partial int StatxBytes(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "mkdir", SetLastError = true)]
    internal static partial int MkdirBytes(byte* path, uint mode);

    [LibraryImport(Libc, EntryPoint = "unlink", SetLastError = true)]
    internal static partial int UnlinkBytes(byte* path);

    [LibraryImport(Libc, EntryPoint = "rmdir", SetLastError = true)]
    internal static partial int RmdirBytes(byte* path);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true)]
    internal static partial int OpenBytes(byte* path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "lchown", SetLastError = true)]
    internal static partial int LchownBytes(byte* path, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "chmod", SetLastError = true)]
    internal static partial int ChmodBytes(byte* path, uint mode);

    [LibraryImport(Libc, EntryPoint = "utimensat", SetLastError = true)]
    internal static partial int UtimensatBytes(int dirFd, byte* path, long* times, int flags);

    [LibraryImport(Libc, EntryPoint = "lsetxattr", SetLastError = true)]
    internal static partial int LsetxattrBytes(byte* path, byte* name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, EntryPoint = "symlink", SetLastError = true)]
    internal static partial int SymlinkBytes(byte* target, byte* linkPath);

    [LibraryImport(Libc, EntryPoint = "link", SetLastError = true)]
    internal static partial int LinkBytes(byte* oldPath, byte* newPath);

    [LibraryImport(Libc, EntryPoint = "mknod", SetLastError = true)]
    internal static partial int MknodBytes(byte* path, uint mode, ulong device);

    [LibraryImport(Libc, EntryPoint = "opendir", SetLastError = true)]
    internal static partial nint OpendirBytes(byte* path);

    [LibraryImport(Libc, EntryPoint = "readdir", SetLastError = true)]
    internal static partial nint Readdir(nint dir);

    [LibraryImport(Libc, EntryPoint = "closedir", SetLastError = true)]
    internal static partial int Closedir(nint dir);

    [LibraryImport(Libc, EntryPoint = "openat", SetLastError = true)]
    internal static partial int OpenatBytes(int dirFd, byte* path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "fdopendir", SetLastError = true)]
    internal static partial nint Fdopendir(int fd);

    [LibraryImport(Libc, EntryPoint = "dup", SetLastError = true)]
    internal static partial int Dup(int fd);

    [LibraryImport(Libc, EntryPoint = "readlinkat", SetLastError = true)]
    internal static partial nint ReadlinkatBytes(int dirFd, byte* path, byte* buffer, nuint size);

    [LibraryImport(Libc, EntryPoint = "llistxattr", SetLastError = true)]
    internal static partial nint LlistxattrBytes(byte* path, byte* list, nuint size);

    [LibraryImport(Libc, EntryPoint = "lgetxattr", SetLastError = true)]
    internal static partial nint LgetxattrBytes(byte* path, byte* name, byte* value, nuint size);
}
