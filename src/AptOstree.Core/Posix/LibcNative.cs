using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AptOstree.Posix;

/// <summary>
/// The SDK's one set of libc entry points (Linux, glibc): each is declared once, taking names as NUL-terminated
/// bytes (names need not be UTF-8); <c>LibcNative.Strings.cs</c> adds overloads for UTF-8 string paths. Used by
/// <see cref="LibcPosixFileSystem"/>, <see cref="PosixByteNames"/>, <see cref="PosixDirectoryHandle"/> and, through
/// InternalsVisibleTo, by AptOstree.OSTree's locks and transaction (its checkout goes through <see cref="IPosixDirectory"/>).
/// </summary>
internal static unsafe partial class LibcNative
{
    private const string Libc = "libc";

    internal const int AtFdCwd = -100;
    internal const int AtSymlinkNoFollow = 0x100;
    internal const int AtStatxDontSync = 0x4000;
    internal const uint StatxType = 0x1;
    internal const uint StatxMode = 0x2;
    internal const uint StatxIno = 0x100;
    internal const uint StatxSize = 0x200;
    internal const uint StatxBasicStats = 0x7ff;
    internal const int StatxBufferSize = 256;

    /// <summary>The fields of a <c>struct statx</c> (x86-64 and arm64 layout) that <see cref="PosixFileStatus"/> holds.</summary>
    internal static PosixFileStatus DecodeStatx(ReadOnlySpan<byte> s) => new()
    {
        Mode = BinaryPrimitives.ReadUInt16LittleEndian(s[28..]),
        Uid = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]),
        Gid = BinaryPrimitives.ReadUInt32LittleEndian(s[24..]),
        Size = BinaryPrimitives.ReadInt64LittleEndian(s[40..]),
        LinkCount = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]),
        Device = PosixDevice.Make(BinaryPrimitives.ReadUInt32LittleEndian(s[136..]), BinaryPrimitives.ReadUInt32LittleEndian(s[140..])),
        Inode = BinaryPrimitives.ReadUInt64LittleEndian(s[32..]),
        RDevice = PosixDevice.Make(BinaryPrimitives.ReadUInt32LittleEndian(s[128..]), BinaryPrimitives.ReadUInt32LittleEndian(s[132..])),
        ModificationTimeSeconds = BinaryPrimitives.ReadInt64LittleEndian(s[112..]),
        ModificationTimeNanoseconds = BinaryPrimitives.ReadUInt32LittleEndian(s[120..]),
    };
    internal const uint RenameExchange = 2;
    internal const int ORdOnly = 0;
    internal const int OWrOnly = 1;
    internal const int OCreat = 0x40;
    internal const int OExcl = 0x80;
    internal const int ODirectory = 0x10000;
    internal const int ONoFollow = 0x20000;
    internal const int OCloExec = 0x80000;
    internal const long UtimeOmit = (1L << 30) - 2;
    internal const int FOfdSetLk = 37;
    internal const short FRdLck = 0;
    internal const short FWrLck = 1;

    /// <summary>Flags for a directory we walk or create: never follow a final symlink, never leak to children.</summary>
    internal const int DirectoryOpenFlags = ORdOnly | ODirectory | ONoFollow | OCloExec;

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true)]
    internal static partial int Statx(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "mkdir", SetLastError = true)]
    internal static partial int Mkdir(byte* path, uint mode);

    [LibraryImport(Libc, EntryPoint = "mkdirat", SetLastError = true)]
    internal static partial int Mkdirat(int dirFd, byte* path, uint mode);

    [LibraryImport(Libc, EntryPoint = "link", SetLastError = true)]
    internal static partial int Link(byte* oldPath, byte* newPath);

    [LibraryImport(Libc, EntryPoint = "linkat", SetLastError = true)]
    internal static partial int Linkat(int oldDirFd, byte* oldPath, int newDirFd, byte* newPath, int flags);

    [LibraryImport(Libc, EntryPoint = "symlink", SetLastError = true)]
    internal static partial int Symlink(byte* target, byte* linkPath);

    [LibraryImport(Libc, EntryPoint = "symlinkat", SetLastError = true)]
    internal static partial int Symlinkat(byte* target, int newDirFd, byte* linkPath);

    [LibraryImport(Libc, EntryPoint = "readlink", SetLastError = true)]
    internal static partial nint Readlink(byte* path, byte* buffer, nuint size);

    [LibraryImport(Libc, EntryPoint = "readlinkat", SetLastError = true)]
    internal static partial nint Readlinkat(int dirFd, byte* path, byte* buffer, nuint size);

    [LibraryImport(Libc, EntryPoint = "lchown", SetLastError = true)]
    internal static partial int Lchown(byte* path, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "fchown", SetLastError = true)]
    internal static partial int Fchown(int fd, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "chmod", SetLastError = true)]
    internal static partial int Chmod(byte* path, uint mode);

    [LibraryImport(Libc, EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int Fchmod(int fd, uint mode);

    [LibraryImport(Libc, EntryPoint = "utimensat", SetLastError = true)]
    internal static partial int Utimensat(int dirFd, byte* path, long* times, int flags);

    [LibraryImport(Libc, EntryPoint = "futimens", SetLastError = true)]
    internal static partial int Futimens(int fd, long* times);

    [LibraryImport(Libc, EntryPoint = "lgetxattr", SetLastError = true)]
    internal static partial nint Lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport(Libc, EntryPoint = "lsetxattr", SetLastError = true)]
    internal static partial int Lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, EntryPoint = "fsetxattr", SetLastError = true)]
    internal static partial int Fsetxattr(int fd, byte* name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, EntryPoint = "llistxattr", SetLastError = true)]
    internal static partial nint Llistxattr(byte* path, byte* list, nuint size);

    [LibraryImport(Libc, EntryPoint = "lremovexattr", SetLastError = true)]
    internal static partial int Lremovexattr(byte* path, byte* name);

    [LibraryImport(Libc, EntryPoint = "mknod", SetLastError = true)]
    internal static partial int Mknod(byte* path, uint mode, ulong device);

    [LibraryImport(Libc, EntryPoint = "mknodat", SetLastError = true)]
    internal static partial int Mknodat(int dirFd, byte* path, uint mode, ulong device);

    [LibraryImport(Libc, EntryPoint = "rename", SetLastError = true)]
    internal static partial int Rename(byte* oldPath, byte* newPath);

    [LibraryImport(Libc, EntryPoint = "renameat2", SetLastError = true)]
    internal static partial int Renameat2(int oldDirFd, byte* oldPath, int newDirFd, byte* newPath, uint flags);

    [LibraryImport(Libc, EntryPoint = "unlink", SetLastError = true)]
    internal static partial int Unlink(byte* path);

    [LibraryImport(Libc, EntryPoint = "rmdir", SetLastError = true)]
    internal static partial int Rmdir(byte* path);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true)]
    internal static partial int Open(byte* path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "openat", SetLastError = true)]
    internal static partial int Openat(int dirFd, byte* path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int Fsync(int fd);

    [LibraryImport(Libc, EntryPoint = "syncfs", SetLastError = true)]
    internal static partial int Syncfs(int fd);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "dup", SetLastError = true)]
    internal static partial int Dup(int fd);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, ref Flock lockInfo);

    [LibraryImport(Libc, EntryPoint = "opendir", SetLastError = true)]
    internal static partial nint Opendir(byte* path);

    [LibraryImport(Libc, EntryPoint = "fdopendir", SetLastError = true)]
    internal static partial nint Fdopendir(int fd);

    [LibraryImport(Libc, EntryPoint = "readdir", SetLastError = true)]
    internal static partial nint Readdir(nint dir);

    [LibraryImport(Libc, EntryPoint = "closedir", SetLastError = true)]
    internal static partial int Closedir(nint dir);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    internal static partial uint Geteuid();

    // glibc's syscall() is variadic, but its argument registers are those of a 7-argument non-variadic call on
    // x86-64 and AArch64 Linux (it does not use va_arg), so a fixed-arity import is safe there.
    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    /// <summary><c>struct flock</c> for open-file-description locks (<c>F_OFD_SETLK</c>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    /// <summary>True where <see cref="GetxattrAt"/> has a system call number to try (64-bit x86 and Arm).</summary>
    internal static bool GetxattrAtKnown => GetxattrAtNumber != 0;

    /// <summary>getxattrat is 464 in the unified system call table every 64-bit Linux port shares since 5.1.</summary>
    private static readonly nint GetxattrAtNumber =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 ? 464 : 0;

    /// <summary>
    /// <c>getxattrat(dirFd, path, atFlags, name, {value, size})</c> (Linux 6.13+; older kernels or seccomp filters
    /// answer ENOSYS/EPERM, and the caller falls back to <see cref="Lgetxattr(byte*, byte*, byte*, nuint)"/> with a
    /// full path). Only call when <see cref="GetxattrAtKnown"/>.
    /// </summary>
    internal static nint GetxattrAt(int dirFd, byte* path, int atFlags, byte* name, byte* value, nuint size)
    {
        var args = new XattrArgs { Value = (ulong)value, Size = (uint)size, Flags = 0 };
        return Syscall(GetxattrAtNumber, dirFd, (nint)path, atFlags, (nint)name, (nint)(&args), sizeof(XattrArgs));
    }

    /// <summary><c>struct xattr_args</c> (version 0, 16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct XattrArgs
    {
        public ulong Value;
        public uint Size;
        public uint Flags;
    }
}
