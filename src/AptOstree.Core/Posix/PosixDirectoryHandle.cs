using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AptOstree.Posix;

/// <summary>
/// An open directory whose entries are reached by name relative to it (<c>openat</c>, <c>fstatat</c>,
/// <c>readlinkat</c>), names as bytes: a tree is walked however deep it is (no path ever reaches PATH_MAX) and names
/// that are not UTF-8 are seen as they are. Nothing follows a symlink in the last component.
/// </summary>
public sealed unsafe class PosixDirectoryHandle : IDisposable
{
    private readonly SafeFileHandle _fd;
    private readonly string _display;

    private PosixDirectoryHandle(int fd, string display)
    {
        _fd = new SafeFileHandle(fd, ownsHandle: true);
        _display = display;
    }

    /// <summary>The directory's path for messages (names that are not UTF-8 escaped).</summary>
    public string DisplayPath => _display;

    private int Fd => (int)_fd.DangerousGetHandle();

    /// <summary>Opens the directory at <paramref name="path"/>.</summary>
    public static PosixDirectoryHandle Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            var fd = LibcNative.Openat(LibcNative.AtFdCwd, p, LibcNative.ORdOnly | LibcNative.ODirectory | LibcNative.OCloExec, 0);
            return fd >= 0 ? new PosixDirectoryHandle(fd, path) : throw Fail("open", path, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Opens the subdirectory <paramref name="name"/> (not through a symlink).</summary>
    public PosixDirectoryHandle OpenDirectory(ReadOnlySpan<byte> name)
    {
        var fd = At(name, p => LibcNative.Openat(Fd, (byte*)p, LibcNative.ORdOnly | LibcNative.ODirectory | LibcNative.ONoFollow | LibcNative.OCloExec, 0));
        return fd >= 0 ? new PosixDirectoryHandle(fd, Child(name)) : throw Fail("openat", Child(name), Marshal.GetLastPInvokeError());
    }

    /// <summary>The names of the entries (without <c>.</c> and <c>..</c>), in the order the file system gives them.</summary>
    public IReadOnlyList<byte[]> ListNames()
    {
        var copy = LibcNative.Dup(Fd);
        if (copy < 0)
        {
            throw Fail("dup", _display, Marshal.GetLastPInvokeError());
        }

        var dir = LibcNative.Fdopendir(copy);
        if (dir == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = LibcNative.Close(copy);
            throw Fail("fdopendir", _display, errno);
        }

        try
        {
            var names = new List<byte[]>();
            Marshal.SetLastPInvokeError(0);
            nint entry;
            while ((entry = LibcNative.Readdir(dir)) != 0)
            {
                // struct dirent (glibc, 64-bit): d_ino 8, d_off 8, d_reclen 2, d_type 1, then d_name.
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + 19);
                if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                {
                    names.Add(name.ToArray());
                }
            }

            return names;
        }
        finally
        {
            _ = LibcNative.Closedir(dir);
        }
    }

    /// <summary>What <c>fstatat(AT_SYMLINK_NOFOLLOW)</c> reports of <paramref name="name"/>.</summary>
    public PosixFileStatus GetStatus(ReadOnlySpan<byte> name)
    {
        byte* buf = stackalloc byte[256];
        if (At(name, p => LibcNative.Statx(Fd, (byte*)p, LibcNative.AtSymlinkNoFollow, LibcNative.StatxBasicStats, buf)) != 0)
        {
            throw Fail("statx", Child(name), Marshal.GetLastPInvokeError());
        }

        var s = new ReadOnlySpan<byte>(buf, 256);
        return default(PosixFileStatus) with
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
    }

    /// <summary>Opens the regular file <paramref name="name"/> for reading (not through a symlink).</summary>
    public FileStream OpenRead(ReadOnlySpan<byte> name)
    {
        var fd = At(name, p => LibcNative.Openat(Fd, (byte*)p, LibcNative.ORdOnly | LibcNative.ONoFollow | LibcNative.OCloExec, 0));
        return fd >= 0
            ? new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0)
            : throw Fail("openat", Child(name), Marshal.GetLastPInvokeError());
    }

    /// <summary>The text of the symlink <paramref name="name"/>, as bytes.</summary>
    public byte[] ReadSymbolicLink(ReadOnlySpan<byte> name)
    {
        var buffer = new byte[4096];
        fixed (byte* b = buffer)
        {
            var bp = b;
            var n = At(name, p => LibcNative.Readlinkat(Fd, (byte*)p, bp, (nuint)buffer.Length));
            return n >= 0 ? buffer[..(int)n] : throw Fail("readlinkat", Child(name), Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>The extended attributes of <paramref name="name"/> itself (not a symlink's target) with non-empty values.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> ReadExtendedAttributes(ReadOnlySpan<byte> name)
    {
        // The xattr calls have no *at() form: go through this directory's /proc/self/fd entry, a short path however deep the tree.
        byte[] path = [.. Encoding.ASCII.GetBytes($"/proc/self/fd/{Fd}/"), .. name, 0];
        fixed (byte* p = path)
        {
            var size = LibcNative.Llistxattr(p, null, 0);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno is PosixErrno.EOPNOTSUPP ? [] : throw Fail("llistxattr", Child(name), errno);
            }

            var list = new byte[size];
            fixed (byte* l = list)
            {
                size = size == 0 ? 0 : LibcNative.Llistxattr(p, l, (nuint)list.Length);
            }

            var result = new List<KeyValuePair<string, byte[]>>();
            foreach (var range in list.AsSpan(0, (int)Math.Max(size, 0)).Split((byte)0))
            {
                var attribute = list[range];
                if (attribute.Length == 0)
                {
                    continue;
                }

                byte[] attributeName = [.. attribute, 0];
                fixed (byte* an = attributeName)
                {
                    var length = LibcNative.Lgetxattr(p, an, null, 0);
                    if (length <= 0)
                    {
                        continue;
                    }

                    var value = new byte[length];
                    fixed (byte* v = value)
                    {
                        length = LibcNative.Lgetxattr(p, an, v, (nuint)value.Length);
                    }

                    if (length > 0)
                    {
                        result.Add(new(Encoding.UTF8.GetString(attribute), value[..(int)length]));
                    }
                }
            }

            return result;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();

    private static PosixException Fail(string operation, string path, int errno) =>
        new(operation, path, errno, Marshal.GetPInvokeErrorMessage(errno));

    private static T At<T>(ReadOnlySpan<byte> name, Func<nint, T> call)
    {
        if (name.IsEmpty || name.Contains((byte)0) || name.Contains((byte)'/'))
        {
            throw new ArgumentException($"'{TarPath.Escape(name)}' is not a single file name.", nameof(name));
        }

        byte[] terminated = [.. name, 0];
        fixed (byte* p = terminated)
        {
            return call((nint)p);
        }
    }

    private string Child(ReadOnlySpan<byte> name) => (_display.EndsWith('/') ? _display : _display + "/") + TarPath.Escape(name);
}
