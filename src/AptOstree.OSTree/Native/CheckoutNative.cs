using System.Runtime.InteropServices;

namespace AptOstree.OSTree;

/// <summary>
/// Directory-fd-relative libc calls for the hardlink checkout. Paths are NUL-terminated UTF-8 spans the caller
/// encodes once (usually on the stack), so no per-call string marshalling happens.
/// </summary>
internal static unsafe partial class CheckoutNative
{
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ODirectory = 0x10000;
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtStatxDontSync = 0x4000;
    public const uint StatxType = 0x1;
    public const uint StatxMode = 0x2;
    public const uint StatxIno = 0x100;
    public const uint StatxSize = 0x200;
    public const int StatxBufferSize = 256;

    /// <summary>Flags for a directory we walk or create: never follow a final symlink, never leak to children.</summary>
    public const int DirectoryOpenFlags = ORdOnly | ODirectory | ONoFollow | OCloExec;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int dirFd, byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int MkdirAt(int dirFd, byte* path, uint mode);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true)]
    public static partial int LinkAt(int oldDirFd, byte* oldPath, int newDirFd, byte* newPath, int flags);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true)]
    public static partial int SymlinkAt(byte* target, int newDirFd, byte* linkPath);

    [LibraryImport("libc", EntryPoint = "mknodat", SetLastError = true)]
    public static partial int MknodAt(int dirFd, byte* path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    public static partial nint Lgetxattr(byte* path, byte* name, byte* value, nuint size);

    /// <summary>True where <see cref="GetxattrAt"/> has a system call number to try (64-bit x86 and Arm).</summary>
    public static bool GetxattrAtKnown => GetxattrAtNumber != 0;

    /// <summary>
    /// <c>getxattrat(dirFd, path, atFlags, name, {value, size})</c> (Linux 6.13+; older kernels or seccomp filters
    /// answer ENOSYS/EPERM, and the caller falls back to <see cref="Lgetxattr"/> with a full path). Only call when
    /// <see cref="GetxattrAtKnown"/>.
    /// </summary>
    public static nint GetxattrAt(int dirFd, byte* path, int atFlags, byte* name, byte* value, nuint size)
    {
        var args = new XattrArgs { Value = (ulong)value, Size = (uint)size, Flags = 0 };
        return Syscall(GetxattrAtNumber, dirFd, (nint)path, atFlags, (nint)name, (nint)(&args), sizeof(XattrArgs));
    }

    /// <summary>getxattrat is 464 in the unified system call table every 64-bit Linux port shares since 5.1.</summary>
    private static readonly nint GetxattrAtNumber =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 ? 464 : 0;

    // glibc's syscall() is variadic, but its argument registers are those of a 7-argument non-variadic call on
    // x86-64 and AArch64 Linux (it does not use va_arg), so a fixed-arity import is safe there.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    /// <summary><c>struct xattr_args</c> (version 0, 16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct XattrArgs
    {
        public ulong Value;
        public uint Size;
        public uint Flags;
    }

    [LibraryImport("libc", EntryPoint = "fsetxattr", SetLastError = true)]
    public static partial int Fsetxattr(int fd, byte* name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int Fchown(int fd, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    public static partial int Futimens(int fd, long* times);

    /// <summary>The fields of a <c>struct statx</c> the checkout needs (the layout is the same on every architecture).</summary>
    public readonly record struct StatxInfo(uint Mode, ulong Inode, ulong Size, ulong Device)
    {
        public bool IsRegularFile => (Mode & 0xF000) == 0x8000;

        public static StatxInfo From(byte* buffer) => new(
            *(ushort*)(buffer + 28),
            *(ulong*)(buffer + 32),
            *(ulong*)(buffer + 40),
            Posix.PosixDevice.Make(*(uint*)(buffer + 136), *(uint*)(buffer + 140)));
    }
}
