using AptOstree.Posix;
using System.Text;

namespace AptOstree.OSTree;

/// <summary>
/// Open file descriptors of <c>objects/</c> and its 256 <c>XX/</c> subdirectories (opened on first use, shared by
/// all checkout workers), plus the helpers to spell an object's name inside its subdirectory as NUL-terminated UTF-8.
/// </summary>
internal sealed unsafe class LooseObjectDirectories : IDisposable
{
    /// <summary>Bytes of <c>YYYY….ext\0</c> (62 hex digits, a dot, the extension, NUL) for the longest extension.</summary>
    public const int MaxNameLength = 62 + 1 + 8 + 1;

    private static readonly byte[] HexDigits = "0123456789abcdef"u8.ToArray();
    private readonly int _objectsFd;
    private readonly int[] _subdirectoryFds = new int[256];
    private readonly object _openLock = new();

    private LooseObjectDirectories(int objectsFd, byte[] objectsPrefix)
    {
        _objectsFd = objectsFd;
        ObjectsPrefix = objectsPrefix;
        Array.Fill(_subdirectoryFds, -1);
    }

    /// <summary>The UTF-8 bytes of <c>/repo/objects/</c> (no NUL), for the few calls that have no <c>*at</c> form.</summary>
    public byte[] ObjectsPrefix { get; }

    /// <exception cref="PosixException">The objects directory cannot be opened.</exception>
    public static LooseObjectDirectories Open(string objectsDirectory)
    {
        byte[] path = Encoding.UTF8.GetBytes(objectsDirectory + "\0");
        int fd;
        fixed (byte* p = path)
        {
            fd = LibcNative.Openat(-100 /* AT_FDCWD */, p, LibcNative.DirectoryOpenFlags, 0);
        }

        if (fd < 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new PosixException("open", objectsDirectory, errno, System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno));
        }

        return new LooseObjectDirectories(fd, Encoding.UTF8.GetBytes(objectsDirectory.TrimEnd('/') + "/"));
    }

    /// <summary>The descriptor of <c>objects/XX/</c> for the checksum's first byte, or -1 when that directory is missing.</summary>
    public int SubdirectoryFor(Checksum checksum)
    {
        Span<byte> digest = stackalloc byte[Checksum.ByteLength];
        checksum.WriteTo(digest);
        int index = digest[0];
        int fd = Volatile.Read(ref _subdirectoryFds[index]);
        if (fd >= 0)
        {
            return fd;
        }

        lock (_openLock)
        {
            if (_subdirectoryFds[index] >= 0)
            {
                return _subdirectoryFds[index];
            }

            byte* name = stackalloc byte[3];
            name[0] = HexDigits[index >> 4];
            name[1] = HexDigits[index & 0xF];
            name[2] = 0;
            fd = LibcNative.Openat(_objectsFd, name, LibcNative.DirectoryOpenFlags, 0);
            if (fd >= 0)
            {
                Volatile.Write(ref _subdirectoryFds[index], fd);
            }

            return fd;
        }
    }

    /// <summary>Writes <c>YYYY….extension\0</c> (the name inside <c>objects/XX/</c>) and returns its length without the NUL.</summary>
    public static int WriteObjectName(Checksum checksum, ReadOnlySpan<byte> extension, Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[Checksum.ByteLength];
        checksum.WriteTo(digest);
        int n = 0;
        for (int i = 1; i < digest.Length; i++)
        {
            destination[n++] = HexDigits[digest[i] >> 4];
            destination[n++] = HexDigits[digest[i] & 0xF];
        }

        destination[n++] = (byte)'.';
        extension.CopyTo(destination[n..]);
        n += extension.Length;
        destination[n] = 0;
        return n;
    }

    /// <summary>Writes <c>/repo/objects/XX/YYYY….extension\0</c> and returns its length without the NUL.</summary>
    public int WriteObjectPath(Checksum checksum, ReadOnlySpan<byte> objectName, Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[Checksum.ByteLength];
        checksum.WriteTo(digest);
        ObjectsPrefix.CopyTo(destination);
        int n = ObjectsPrefix.Length;
        destination[n++] = HexDigits[digest[0] >> 4];
        destination[n++] = HexDigits[digest[0] & 0xF];
        destination[n++] = (byte)'/';
        objectName.CopyTo(destination[n..]);
        n += objectName.Length;
        destination[n] = 0;
        return n;
    }

    public void Dispose()
    {
        for (int i = 0; i < _subdirectoryFds.Length; i++)
        {
            if (_subdirectoryFds[i] >= 0)
            {
                _ = LibcNative.Close(_subdirectoryFds[i]);
                _subdirectoryFds[i] = -1;
            }
        }

        _ = LibcNative.Close(_objectsFd);
    }
}
