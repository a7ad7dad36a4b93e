using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AptOstree.Posix;

/// <summary>
/// <see cref="IPosixDirectory"/> over a directory descriptor of the real file system (<c>openat</c>, <c>statx</c>,
/// <c>linkat</c>, <c>readlinkat</c>, …): what <see cref="LibcPosixFileSystem.OpenDirectory"/> returns. Names are
/// passed to the kernel as they are (NUL-terminated on the stack, no allocation per call).
/// </summary>
/// <remarks>
/// The xattr calls have no <c>*at</c> form before Linux 6.13: reading one uses <c>getxattrat</c> where the kernel has
/// it, else (as setting and listing do) the entry's <c>/proc/self/fd/N/name</c> path, short however deep the tree.
/// </remarks>
public sealed unsafe class PosixDirectoryHandle : IPosixDirectory
{
    private const int StackNameLength = 256;
    private const int StackValueLength = 256;
    private const int ERange = 34;
    private const int ENoSys = 38;
    private const int E2Big = 7;

    /// <summary>Set once <c>getxattrat</c> failed as unsupported (old kernel, seccomp) where the path call worked.</summary>
    private static volatile bool _getxattrAtUnavailable;

    private readonly SafeFileHandle _handle;
    private readonly int _fd;
    private readonly PosixDirectoryHandle? _parent;
    private readonly byte[]? _name;
    private string? _display;

    private PosixDirectoryHandle(int fd, string display)
    {
        _handle = new SafeFileHandle(fd, ownsHandle: true);
        _fd = fd;
        _display = display;
    }

    /// <summary>A subdirectory: its display path is spelled only when asked for (a walk rarely needs it).</summary>
    private PosixDirectoryHandle(int fd, PosixDirectoryHandle parent, byte[] name)
    {
        _handle = new SafeFileHandle(fd, ownsHandle: true);
        _fd = fd;
        _parent = parent;
        _name = name;
    }

    /// <inheritdoc />
    public string DisplayPath => _display ??= _parent!.Child(_name);

    /// <summary>Test hook: read xattrs through <c>/proc/self/fd</c> paths even where <c>getxattrat</c> exists.</summary>
    internal static bool GetxattrAtDisabled { get; set; }

    /// <summary>Opens the directory at <paramref name="path"/> (a symlink in the last component is followed).</summary>
    /// <exception cref="PosixException">It cannot be opened (ENOENT, ENOTDIR, EACCES, …).</exception>
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
        Span<byte> buffer = stackalloc byte[StackNameLength];
        int fd;
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            fd = LibcNative.Openat(_fd, p, LibcNative.DirectoryOpenFlags, 0);
        }

        return fd >= 0 ? new PosixDirectoryHandle(fd, this, name.ToArray()) : throw Fail("openat", Child(name), Marshal.GetLastPInvokeError());
    }

    /// <inheritdoc />
    IPosixDirectory IPosixDirectory.OpenDirectory(ReadOnlySpan<byte> name) => OpenDirectory(name);

    /// <inheritdoc />
    public void CreateDirectory(ReadOnlySpan<byte> name, uint permissions)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            Check(LibcNative.Mkdirat(_fd, p, permissions & 0xFFF), "mkdirat", name);
        }
    }

    /// <summary>The names of the entries (without <c>.</c> and <c>..</c>), in the order the file system gives them.</summary>
    public IReadOnlyList<byte[]> ListNames()
    {
        var copy = LibcNative.Dup(_fd);
        if (copy < 0)
        {
            throw Fail("dup", DisplayPath, Marshal.GetLastPInvokeError());
        }

        var dir = LibcNative.Fdopendir(copy);
        if (dir == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = LibcNative.Close(copy);
            throw Fail("fdopendir", DisplayPath, errno);
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

    /// <inheritdoc />
    public PosixFileStatus GetStatus(ReadOnlySpan<byte> name) =>
        TryStat(name, out var status, out int errno) ? status : throw Fail("statx", Child(name), errno);

    /// <inheritdoc />
    public bool TryGetStatus(ReadOnlySpan<byte> name, out PosixFileStatus status)
    {
        if (TryStat(name, out status, out int errno))
        {
            return true;
        }

        return errno is PosixErrno.ENOENT or PosixErrno.ENOTDIR ? false : throw Fail("statx", Child(name), errno);
    }

    /// <summary>
    /// Opens the regular file <paramref name="name"/> for reading (not through a symlink): a forward-only stream, one
    /// <c>read</c> per call (EISDIR for a directory comes at the first read).
    /// </summary>
    public Stream OpenRead(ReadOnlySpan<byte> name)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        int fd;
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            fd = LibcNative.Openat(_fd, p, LibcNative.ORdOnly | LibcNative.ONoFollow | LibcNative.OCloExec, 0);
        }

        return fd >= 0
            ? new DescriptorReadStream(new SafeFileHandle(fd, ownsHandle: true), this, name.ToArray())
            : throw Fail("openat", Child(name), Marshal.GetLastPInvokeError());
    }

    /// <inheritdoc />
    public Stream CreateFile(ReadOnlySpan<byte> name, uint permissions)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        int fd;
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            fd = LibcNative.Openat(_fd, p, LibcNative.OWrOnly | LibcNative.OCreat | LibcNative.OExcl | LibcNative.ONoFollow | LibcNative.OCloExec, permissions & 0xFFF);
        }

        return fd >= 0
            ? new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0)
            : throw Fail("openat", Child(name), Marshal.GetLastPInvokeError());
    }

    /// <summary>The text of the symlink <paramref name="name"/>, as bytes.</summary>
    public byte[] ReadSymbolicLink(ReadOnlySpan<byte> name)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        var target = new byte[4096];
        nint n;
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        fixed (byte* t = target)
        {
            n = LibcNative.Readlinkat(_fd, p, t, (nuint)target.Length);
        }

        return n >= 0 ? target[..(int)n] : throw Fail("readlinkat", Child(name), Marshal.GetLastPInvokeError());
    }

    /// <inheritdoc />
    public void CreateSymbolicLink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> name)
    {
        if (target.Contains((byte)0))
        {
            throw new ArgumentException($"The symlink target '{TarPath.Escape(target)}' contains a NUL byte.", nameof(target));
        }

        Span<byte> buffer = stackalloc byte[StackNameLength];
        byte[] terminated = new byte[target.Length + 1];
        target.CopyTo(terminated);
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        fixed (byte* t = terminated)
        {
            Check(LibcNative.Symlinkat(t, _fd, p), "symlinkat", name);
        }
    }

    /// <inheritdoc />
    public void CreateHardLink(IPosixDirectory sourceDirectory, ReadOnlySpan<byte> sourceName, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(sourceDirectory);

        // A directory of another IPosixFileSystem has no descriptor here: as across two mounts, no link.
        if (sourceDirectory is not PosixDirectoryHandle source)
        {
            throw Fail("linkat", Child(name), PosixErrno.EXDEV);
        }

        Span<byte> sourceBuffer = stackalloc byte[StackNameLength];
        Span<byte> buffer = stackalloc byte[StackNameLength];
        fixed (byte* s = Terminate(sourceName, sourceBuffer, allowEmpty: false))
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            if (LibcNative.Linkat(source._fd, s, _fd, p, 0) != 0)
            {
                // ENOENT is about the source (this directory is open); anything else names the new link.
                int errno = Marshal.GetLastPInvokeError();
                throw Fail("linkat", errno == PosixErrno.ENOENT ? source.Child(sourceName) : Child(name), errno);
            }
        }
    }

    /// <inheritdoc />
    public void CreateNode(ReadOnlySpan<byte> name, uint mode, ulong device)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            Check(LibcNative.Mknodat(_fd, p, mode, device), "mknodat", name);
        }
    }

    /// <inheritdoc />
    public void Delete(ReadOnlySpan<byte> name)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            if (LibcNative.Unlinkat(_fd, p, 0) == 0)
            {
                return;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != PosixErrno.EISDIR && errno != PosixErrno.EPERM)
            {
                throw Fail("unlinkat", Child(name), errno);
            }

            Check(LibcNative.Unlinkat(_fd, p, LibcNative.AtRemoveDir), "unlinkat", name);
        }
    }

    /// <inheritdoc />
    public void SetOwner(ReadOnlySpan<byte> name, uint uid, uint gid)
    {
        if (name.IsEmpty)
        {
            Check(LibcNative.Fchown(_fd, uid, gid), "fchown", name);
            return;
        }

        Span<byte> buffer = stackalloc byte[StackNameLength];
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            Check(LibcNative.Fchownat(_fd, p, uid, gid, LibcNative.AtSymlinkNoFollow), "fchownat", name);
        }
    }

    /// <inheritdoc />
    public void SetPermissions(ReadOnlySpan<byte> name, uint permissions)
    {
        if (name.IsEmpty)
        {
            Check(LibcNative.Fchmod(_fd, permissions & 0xFFF), "fchmod", name);
            return;
        }

        Span<byte> buffer = stackalloc byte[StackNameLength];
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            Check(LibcNative.Fchmodat(_fd, p, permissions & 0xFFF, 0), "fchmodat", name);
        }
    }

    /// <inheritdoc />
    public void SetModificationTime(ReadOnlySpan<byte> name, long seconds, uint nanoseconds)
    {
        long* times = stackalloc long[4] { seconds, nanoseconds, seconds, nanoseconds };
        if (name.IsEmpty)
        {
            Check(LibcNative.Futimens(_fd, times), "futimens", name);
            return;
        }

        Span<byte> buffer = stackalloc byte[StackNameLength];
        fixed (byte* p = Terminate(name, buffer, allowEmpty: false))
        {
            Check(LibcNative.Utimensat(_fd, p, times, LibcNative.AtSymlinkNoFollow), "utimensat", name);
        }
    }

    /// <inheritdoc />
    public byte[]? GetExtendedAttribute(ReadOnlySpan<byte> name, string attribute)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        Span<byte> attributeBuffer = stackalloc byte[StackNameLength];
        byte* value = stackalloc byte[StackValueLength];
        fixed (byte* p = Terminate(name, buffer, allowEmpty: true))
        fixed (byte* a = Attribute(attribute, attributeBuffer))
        {
            nint n = GetXattr(p, name, a, value, StackValueLength);
            while (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == PosixErrno.ENODATA)
                {
                    return null;
                }

                if (errno != ERange)
                {
                    throw Fail("getxattr " + attribute, Child(name), errno);
                }

                // Larger than the stack buffer: ask for its size, then read it (again if it grew in between).
                nint size = GetXattr(p, name, a, null, 0);
                if (size < 0)
                {
                    continue;
                }

                var large = new byte[size];
                fixed (byte* l = large)
                {
                    n = GetXattr(p, name, a, l, (nuint)large.Length);
                }

                if (n >= 0)
                {
                    return n == large.Length ? large : large[..(int)n];
                }
            }

            return new ReadOnlySpan<byte>(value, (int)n).ToArray();
        }
    }

    /// <inheritdoc />
    public void SetExtendedAttribute(ReadOnlySpan<byte> name, string attribute, ReadOnlySpan<byte> value)
    {
        Span<byte> attributeBuffer = stackalloc byte[StackNameLength];
        fixed (byte* a = Attribute(attribute, attributeBuffer))
        fixed (byte* v = value)
        {
            if (name.IsEmpty)
            {
                Check(LibcNative.Fsetxattr(_fd, a, v, (nuint)value.Length, 0), "fsetxattr " + attribute, name);
                return;
            }

            Span<byte> pathBuffer = stackalloc byte[StackNameLength + 32];
            fixed (byte* path = ProcPath(name, pathBuffer))
            {
                Check(LibcNative.Lsetxattr(path, a, v, (nuint)value.Length, 0), "lsetxattr " + attribute, name);
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListExtendedAttributes(ReadOnlySpan<byte> name)
    {
        Span<byte> pathBuffer = stackalloc byte[StackNameLength + 32];
        fixed (byte* path = name.IsEmpty ? default : ProcPath(name, pathBuffer))
        {
            while (true)
            {
                nint size = name.IsEmpty ? LibcNative.Flistxattr(_fd, null, 0) : LibcNative.Llistxattr(path, null, 0);
                if (size < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    return errno == PosixErrno.EOPNOTSUPP ? [] : throw Fail("listxattr", Child(name), errno);
                }

                if (size == 0)
                {
                    return [];
                }

                var list = new byte[size];
                nint n;
                fixed (byte* l = list)
                {
                    n = name.IsEmpty ? LibcNative.Flistxattr(_fd, l, (nuint)list.Length) : LibcNative.Llistxattr(path, l, (nuint)list.Length);
                }

                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == ERange)
                    {
                        continue;
                    }

                    throw Fail("listxattr", Child(name), errno);
                }

                var names = new List<string>();
                foreach (var range in list.AsSpan(0, (int)n).Split((byte)0))
                {
                    if (range.End.Value > range.Start.Value)
                    {
                        names.Add(Encoding.UTF8.GetString(list.AsSpan(range)));
                    }
                }

                return names;
            }
        }
    }

    /// <summary>The extended attributes of <paramref name="name"/> itself (not a symlink's target) with non-empty values.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> ReadExtendedAttributes(ReadOnlySpan<byte> name)
    {
        var result = new List<KeyValuePair<string, byte[]>>();
        foreach (var attribute in ListExtendedAttributes(name))
        {
            if (GetExtendedAttribute(name, attribute) is { Length: > 0 } value)
            {
                result.Add(new(attribute, value));
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private bool TryStat(ReadOnlySpan<byte> name, out PosixFileStatus status, out int errno)
    {
        Span<byte> buffer = stackalloc byte[StackNameLength];
        byte* statx = stackalloc byte[LibcNative.StatxBufferSize];
        int flags = LibcNative.AtSymlinkNoFollow | (name.IsEmpty ? LibcNative.AtEmptyPath : 0);
        int result;
        fixed (byte* p = Terminate(name, buffer, allowEmpty: true))
        {
            result = LibcNative.Statx(_fd, p, flags, LibcNative.StatxBasicStats, statx);
        }

        if (result != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            status = default;
            return false;
        }

        errno = 0;
        status = LibcNative.DecodeStatx(new ReadOnlySpan<byte>(statx, LibcNative.StatxBufferSize));
        return true;
    }

    /// <summary>
    /// One getxattr of the entry (<paramref name="path"/> is its terminated name): <c>fgetxattr</c> for the directory
    /// itself, <c>getxattrat</c> where the kernel has it, else <c>lgetxattr</c> of its <c>/proc/self/fd</c> path.
    /// </summary>
    private nint GetXattr(byte* path, ReadOnlySpan<byte> name, byte* attribute, byte* value, nuint size)
    {
        if (name.IsEmpty)
        {
            return LibcNative.Fgetxattr(_fd, attribute, value, size);
        }

        if (!_getxattrAtUnavailable && !GetxattrAtDisabled && LibcNative.GetxattrAtKnown)
        {
            nint n = LibcNative.GetxattrAt(_fd, path, LibcNative.AtSymlinkNoFollow, attribute, value, size);
            if (n >= 0)
            {
                return n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno is not (ENoSys or PosixErrno.EPERM or PosixErrno.EINVAL or E2Big))
            {
                return n;
            }

            // Retried through the path; if that works, this kernel (or its seccomp filter) lacks getxattrat.
            nint viaPath = ProcPathGetXattr(name, attribute, value, size);
            if (viaPath >= 0)
            {
                _getxattrAtUnavailable = true;
            }

            return viaPath;
        }

        return ProcPathGetXattr(name, attribute, value, size);
    }

    private nint ProcPathGetXattr(ReadOnlySpan<byte> name, byte* attribute, byte* value, nuint size)
    {
        Span<byte> pathBuffer = stackalloc byte[StackNameLength + 32];
        fixed (byte* path = ProcPath(name, pathBuffer))
        {
            return LibcNative.Lgetxattr(path, attribute, value, size);
        }
    }

    /// <summary><c>/proc/self/fd/N/name\0</c>, the entry's path for the calls without an <c>*at</c> form.</summary>
    private ReadOnlySpan<byte> ProcPath(ReadOnlySpan<byte> name, Span<byte> buffer)
    {
        ValidateName(name, allowEmpty: false);
        Span<byte> prefix = stackalloc byte[32];
        "/proc/self/fd/"u8.CopyTo(prefix);
        _fd.TryFormat(prefix[14..], out int digits, default, CultureInfo.InvariantCulture);
        int prefixLength = 14 + digits;
        prefix[prefixLength++] = (byte)'/';
        int length = prefixLength + name.Length + 1;
        Span<byte> path = length <= buffer.Length ? buffer[..length] : new byte[length];
        prefix[..prefixLength].CopyTo(path);
        name.CopyTo(path[prefixLength..]);
        path[^1] = 0;
        return path;
    }

    /// <summary>The name NUL-terminated in <paramref name="buffer"/> (or on the heap when longer); the empty name stays empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Terminate(ReadOnlySpan<byte> name, Span<byte> buffer, bool allowEmpty)
    {
        ValidateName(name, allowEmpty);
        Span<byte> terminated = name.Length < buffer.Length ? buffer[..(name.Length + 1)] : new byte[name.Length + 1];
        name.CopyTo(terminated);
        terminated[name.Length] = 0;
        return terminated;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ValidateName(ReadOnlySpan<byte> name, bool allowEmpty)
    {
        if ((name.IsEmpty && !allowEmpty) || name.IndexOfAny((byte)0, (byte)'/') >= 0)
        {
            throw new ArgumentException($"'{TarPath.Escape(name)}' is not a single file name.", nameof(name));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Attribute(string attribute, Span<byte> buffer)
    {
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        int length = Encoding.UTF8.GetByteCount(attribute);
        Span<byte> terminated = length < buffer.Length ? buffer[..(length + 1)] : new byte[length + 1];
        Encoding.UTF8.GetBytes(attribute, terminated);
        terminated[length] = 0;
        return terminated;
    }

    private void Check(int result, string operation, ReadOnlySpan<byte> name)
    {
        if (result != 0)
        {
            throw Fail(operation, Child(name), Marshal.GetLastPInvokeError());
        }
    }

    private static PosixException Fail(string operation, string path, int errno) =>
        new(operation, path, errno, Marshal.GetPInvokeErrorMessage(errno));

    /// <summary>The display path of the entry <paramref name="name"/> (the empty name: this directory).</summary>
    internal string Child(ReadOnlySpan<byte> name)
    {
        string display = DisplayPath;
        return name.IsEmpty ? display : (display.EndsWith('/') ? display : display + "/") + TarPath.Escape(name);
    }
}
