using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AptOstree.Posix;

/// <summary>
/// File operations on paths given as bytes, for names that need not be UTF-8 (a .NET string cannot carry the bytes
/// <c>caf\xE9</c>): what <c>dpkg-deb -x</c> needs to write an archive's names exactly. None follows a symlink in the
/// last component. Failures throw <see cref="PosixException"/> naming the path (bytes that are not UTF-8 escaped).
/// </summary>
public static unsafe class PosixByteNames
{
    private const int StackLimit = 1024;

    /// <summary>lstat's file mode (type and permission bits) of <paramref name="path"/>; false when it does not exist.</summary>
    public static bool TryGetMode(ReadOnlySpan<byte> path, out uint mode)
    {
        byte* buffer = stackalloc byte[256];
        var result = WithPath(path, p => LibcNative.Statx(LibcNative.AtFdCwd, p, LibcNative.AtSymlinkNoFollow, LibcNative.StatxBasicStats, buffer));
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            mode = 0;
            return errno is PosixErrno.ENOENT or PosixErrno.ENOTDIR ? false : throw Fail("statx", path, errno);
        }

        mode = BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(buffer + 28, 2));
        return true;
    }

    /// <summary>Creates a directory.</summary>
    public static void CreateDirectory(ReadOnlySpan<byte> path, uint permissions) =>
        Check(WithPath(path, p => LibcNative.Mkdir(p, permissions)), "mkdir", path);

    /// <summary>Removes a file, symlink, node or empty directory.</summary>
    public static void Delete(ReadOnlySpan<byte> path)
    {
        if (WithPath(path, p => LibcNative.Unlink(p)) == 0)
        {
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno != PosixErrno.EISDIR && errno != PosixErrno.EPERM)
        {
            throw Fail("unlink", path, errno);
        }

        Check(WithPath(path, p => LibcNative.Rmdir(p)), "rmdir", path);
    }

    /// <summary>True when the directory at <paramref name="path"/> has no entries besides <c>.</c> and <c>..</c>.</summary>
    public static bool IsEmptyDirectory(ReadOnlySpan<byte> path)
    {
        var dir = WithPathPointer(path, p => LibcNative.Opendir(p));
        if (dir == 0)
        {
            throw Fail("opendir", path, Marshal.GetLastPInvokeError());
        }

        try
        {
            nint entry;
            while ((entry = LibcNative.Readdir(dir)) != 0)
            {
                // struct dirent (glibc, 64-bit): d_ino 8, d_off 8, d_reclen 2, d_type 1, then d_name.
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + 19);
                if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            _ = LibcNative.Closedir(dir);
        }
    }

    /// <summary>Creates a new regular file for writing (fails if anything exists there, a symlink included).</summary>
    public static FileStream CreateNewFile(ReadOnlySpan<byte> path, uint permissions)
    {
        var fd = WithPath(path, p => LibcNative.Open(p, LibcNative.OWrOnly | LibcNative.OCreat | LibcNative.OExcl | LibcNative.ONoFollow | LibcNative.OCloExec, permissions));
        if (fd < 0)
        {
            throw Fail("open", path, Marshal.GetLastPInvokeError());
        }

        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }

    /// <summary>Sets the owner of the path itself (lchown).</summary>
    public static void SetOwner(ReadOnlySpan<byte> path, uint uid, uint gid) =>
        Check(WithPath(path, p => LibcNative.Lchown(p, uid, gid)), "lchown", path);

    /// <summary>Sets the permission bits (chmod; not for symlinks).</summary>
    public static void SetPermissions(ReadOnlySpan<byte> path, uint permissions) =>
        Check(WithPath(path, p => LibcNative.Chmod(p, permissions & 0xFFF)), "chmod", path);

    /// <summary>Sets the modification time (and the access time to the same) of the path itself.</summary>
    public static void SetModificationTime(ReadOnlySpan<byte> path, long seconds, uint nanoseconds)
    {
        long* times = stackalloc long[4] { seconds, nanoseconds, seconds, nanoseconds };
        Check(WithPath(path, p => LibcNative.Utimensat(LibcNative.AtFdCwd, p, times, LibcNative.AtSymlinkNoFollow)), "utimensat", path);
    }

    /// <summary>Sets an extended attribute on the path itself (lsetxattr).</summary>
    public static void SetExtendedAttribute(ReadOnlySpan<byte> path, string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* n = nameBytes)
        fixed (byte* v = value)
        {
            var np = n;
            var vp = v;
            var length = (nuint)value.Length;
            Check(WithPath(path, p => LibcNative.Lsetxattr(p, np, vp, length, 0)), "lsetxattr " + name, path);
        }
    }

    /// <summary>Creates a symlink at <paramref name="path"/> whose text is <paramref name="target"/>.</summary>
    public static void CreateSymbolicLink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> path)
    {
        var t = Terminated(target, out var rented);
        try
        {
            fixed (byte* tp = t)
            {
                var tpp = tp;
                Check(WithPath(path, p => LibcNative.Symlink(tpp, p)), "symlink", path);
            }
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>Creates a hard link at <paramref name="path"/> to <paramref name="existing"/> (not following a symlink).</summary>
    public static void CreateHardLink(ReadOnlySpan<byte> existing, ReadOnlySpan<byte> path)
    {
        var e = Terminated(existing, out var rented);
        try
        {
            fixed (byte* ep = e)
            {
                var epp = ep;
                Check(WithPath(path, p => LibcNative.Link(epp, p)), "link", path);
            }
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>Creates a device node or FIFO (mknod).</summary>
    public static void CreateNode(ReadOnlySpan<byte> path, uint mode, ulong device) =>
        Check(WithPath(path, p => LibcNative.Mknod(p, mode, device)), "mknod", path);

    private delegate T PathCall<T>(byte* path);

    private static T WithPath<T>(ReadOnlySpan<byte> path, PathCall<T> call)
    {
        var terminated = Terminated(path, out var rented);
        try
        {
            fixed (byte* p = terminated)
            {
                return call(p);
            }
        }
        finally
        {
            Return(rented);
        }
    }

    private static nint WithPathPointer(ReadOnlySpan<byte> path, PathCall<nint> call) => WithPath(path, call);

    private static ReadOnlySpan<byte> Terminated(ReadOnlySpan<byte> path, out byte[]? rented)
    {
        if (path.Contains((byte)0))
        {
            throw new ArgumentException($"The path '{TarPath.Escape(path)}' contains a NUL byte.", nameof(path));
        }

        rented = ArrayPool<byte>.Shared.Rent(path.Length + 1);
        path.CopyTo(rented);
        rented[path.Length] = 0;
        return rented.AsSpan(0, path.Length + 1);
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Check(int result, string operation, ReadOnlySpan<byte> path)
    {
        if (result != 0)
        {
            throw Fail(operation, path, Marshal.GetLastPInvokeError());
        }
    }

    private static PosixException Fail(string operation, ReadOnlySpan<byte> path, int errno) =>
        new(operation, TarPath.Escape(path), errno, Marshal.GetPInvokeErrorMessage(errno));
}
