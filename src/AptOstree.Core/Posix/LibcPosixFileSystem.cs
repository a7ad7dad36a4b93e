using System.Runtime.InteropServices;
using System.Text;

namespace AptOstree.Posix;

/// <summary>
/// <see cref="IPosixFileSystem"/> over the real file system through libc (Linux, glibc ≥ 2.28 or musl).
/// Stateless and thread-safe; use <see cref="Instance"/>.
/// </summary>
public sealed class LibcPosixFileSystem : IPosixFileSystem
{
    /// <summary>The shared instance.</summary>
    public static LibcPosixFileSystem Instance { get; } = new();

    /// <summary>True when the process runs with effective uid 0.</summary>
    public static bool IsRoot => LibcNative.Geteuid() == 0;

    /// <inheritdoc />
    public PosixFileStatus GetStatus(string path)
    {
        if (!TryStat(path, out var status, out int errno))
        {
            throw Fail("lstat", path, errno);
        }

        return status;
    }

    /// <inheritdoc />
    public bool TryGetStatus(string path, out PosixFileStatus status)
    {
        if (TryStat(path, out status, out int errno))
        {
            return true;
        }

        if (errno is PosixErrno.ENOENT or PosixErrno.ENOTDIR)
        {
            return false;
        }

        throw Fail("lstat", path, errno);
    }

    /// <inheritdoc />
    public void CreateDirectory(string path, uint permissions) => Check(LibcNative.Mkdir(path, permissions), "mkdir", path);

    /// <inheritdoc />
    public Stream CreateFile(string path, uint permissions)
    {
        int fd = LibcNative.Open(path, LibcNative.OWrOnly | LibcNative.OCreat | LibcNative.OExcl | LibcNative.OCloExec, permissions & 0xFFF);
        if (fd < 0)
        {
            throw Fail("open", path, Marshal.GetLastPInvokeError());
        }

        return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }

    /// <inheritdoc />
    public Stream OpenRead(string path) => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);

    /// <inheritdoc />
    public IPosixFileView MapRead(string path) => MappedFileView.Open(path);

    /// <inheritdoc />
    public IPosixDirectory OpenDirectory(string path) => PosixDirectoryHandle.Open(path);

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectory(string path)
    {
        var names = new List<string>();
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
        {
            names.Add(entry.Name);
        }

        return names;
    }

    /// <inheritdoc />
    public void Delete(string path)
    {
        if (LibcNative.Unlink(path) == 0)
        {
            return;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno == PosixErrno.EISDIR || (errno == PosixErrno.EPERM && TryStat(path, out var st, out _) && st.IsDirectory))
        {
            Check(LibcNative.Rmdir(path), "rmdir", path);
            return;
        }

        throw Fail("unlink", path, errno);
    }

    /// <inheritdoc />
    public void CreateHardLink(string existingPath, string newPath) => Check(LibcNative.Link(existingPath, newPath), "link", newPath);

    /// <inheritdoc />
    public void CreateSymbolicLink(string target, string linkPath) => Check(LibcNative.Symlink(target, linkPath), "symlink", linkPath);

    /// <inheritdoc />
    public unsafe string ReadSymbolicLink(string path)
    {
        int size = 256;
        while (true)
        {
            byte[] buffer = new byte[size];
            nint n;
            fixed (byte* p = buffer)
            {
                n = LibcNative.Readlink(path, p, (nuint)size);
            }

            if (n < 0)
            {
                throw Fail("readlink", path, Marshal.GetLastPInvokeError());
            }

            if (n < size)
            {
                return Encoding.UTF8.GetString(buffer, 0, (int)n);
            }

            size *= 4;
        }
    }

    /// <inheritdoc />
    public void SetOwner(string path, uint uid, uint gid) => Check(LibcNative.Lchown(path, uid, gid), "lchown", path);

    /// <inheritdoc />
    public void SetPermissions(string path, uint permissions) => Check(LibcNative.Chmod(path, permissions & 0xFFF), "chmod", path);

    /// <inheritdoc />
    public unsafe void SetModificationTime(string path, long seconds, uint nanoseconds)
    {
        long* times = stackalloc long[4];
        times[0] = seconds;
        times[1] = nanoseconds;
        times[2] = seconds;
        times[3] = nanoseconds;
        Check(LibcNative.Utimensat(LibcNative.AtFdCwd, path, times, LibcNative.AtSymlinkNoFollow), "utimensat", path);
    }

    /// <inheritdoc />
    public unsafe byte[]? GetExtendedAttribute(string path, string name)
    {
        while (true)
        {
            nint size = LibcNative.Lgetxattr(path, name, null, 0);
            if (size < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno == PosixErrno.ENODATA ? null : throw Fail("lgetxattr", path, errno);
            }

            byte[] value = new byte[size];
            nint n;
            fixed (byte* p = value)
            {
                n = LibcNative.Lgetxattr(path, name, p, (nuint)value.Length);
            }

            if (n >= 0)
            {
                return n == value.Length ? value : value[..(int)n];
            }

            int err = Marshal.GetLastPInvokeError();
            if (err != 34 /* ERANGE: grew in between */)
            {
                throw Fail("lgetxattr", path, err);
            }
        }
    }

    /// <inheritdoc />
    public unsafe void SetExtendedAttribute(string path, string name, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        fixed (byte* p = value)
        {
            Check(LibcNative.Lsetxattr(path, name, p, (nuint)value.Length, 0), "lsetxattr", path);
        }
    }

    /// <inheritdoc />
    public unsafe IReadOnlyList<string> ListExtendedAttributes(string path)
    {
        while (true)
        {
            nint size = LibcNative.Llistxattr(path, null, 0);
            if (size < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno == PosixErrno.EOPNOTSUPP ? [] : throw Fail("llistxattr", path, errno);
            }

            if (size == 0)
            {
                return [];
            }

            byte[] buffer = new byte[size];
            nint n;
            fixed (byte* p = buffer)
            {
                n = LibcNative.Llistxattr(path, p, (nuint)buffer.Length);
            }

            if (n < 0)
            {
                int err = Marshal.GetLastPInvokeError();
                if (err == 34)
                {
                    continue;
                }

                throw Fail("llistxattr", path, err);
            }

            var names = new List<string>();
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] == 0)
                {
                    if (i > start)
                    {
                        names.Add(Encoding.UTF8.GetString(buffer, start, i - start));
                    }

                    start = i + 1;
                }
            }

            return names;
        }
    }

    /// <inheritdoc />
    public void RemoveExtendedAttribute(string path, string name) => Check(LibcNative.Lremovexattr(path, name), "lremovexattr", path);

    /// <inheritdoc />
    public void CreateNode(string path, uint mode, ulong device) => Check(LibcNative.Mknod(path, mode, device), "mknod", path);

    /// <inheritdoc />
    public void Rename(string oldPath, string newPath) => Check(LibcNative.Rename(oldPath, newPath), "rename", oldPath);

    /// <inheritdoc />
    public void ExchangePaths(string path1, string path2) =>
        Check(LibcNative.Renameat2(LibcNative.AtFdCwd, path1, LibcNative.AtFdCwd, path2, LibcNative.RenameExchange), "renameat2", path1);

    /// <inheritdoc />
    public void Sync(string path) => OnReadOnlyDescriptor(path, LibcNative.Fsync, "fsync");

    /// <inheritdoc />
    public void SyncFileSystem(string path) => OnReadOnlyDescriptor(path, LibcNative.Syncfs, "syncfs");

    /// <inheritdoc />
    public IDisposable? TryLockFile(string path, bool exclusive)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        var info = new LibcNative.Flock { Type = exclusive ? LibcNative.FWrLck : LibcNative.FRdLck, Whence = 0 };
        if (LibcNative.Fcntl((int)file.SafeFileHandle.DangerousGetHandle(), LibcNative.FOfdSetLk, ref info) == 0)
        {
            return file;
        }

        int errno = Marshal.GetLastPInvokeError();
        file.Dispose();
        return errno is PosixErrno.EAGAIN or PosixErrno.EACCES ? null : throw Fail("fcntl(F_OFD_SETLK)", path, errno);
    }

    private static void OnReadOnlyDescriptor(string path, Func<int, int> call, string name)
    {
        int fd = LibcNative.Open(path, LibcNative.ORdOnly | LibcNative.OCloExec, 0);
        if (fd < 0)
        {
            throw Fail("open", path, Marshal.GetLastPInvokeError());
        }

        try
        {
            Check(call(fd), name, path);
        }
        finally
        {
            _ = LibcNative.Close(fd);
        }
    }

    private static unsafe bool TryStat(string path, out PosixFileStatus status, out int errno)
    {
        byte* buf = stackalloc byte[LibcNative.StatxBufferSize];
        if (LibcNative.Statx(LibcNative.AtFdCwd, path, LibcNative.AtSymlinkNoFollow, LibcNative.StatxBasicStats, buf) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            status = default;
            return false;
        }

        status = LibcNative.DecodeStatx(new ReadOnlySpan<byte>(buf, LibcNative.StatxBufferSize));
        errno = 0;
        return true;
    }

    private static void Check(int result, string operation, string path)
    {
        if (result != 0)
        {
            throw Fail(operation, path, Marshal.GetLastPInvokeError());
        }
    }

    private static PosixException Fail(string operation, string path, int errno) =>
        new(operation, path, errno, Marshal.GetPInvokeErrorMessage(errno));
}
