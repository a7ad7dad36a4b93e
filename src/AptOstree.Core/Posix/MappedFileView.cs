using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AptOstree.Posix;

/// <summary>A regular file mapped read-only (<c>mmap(PROT_READ, MAP_SHARED)</c>): <see cref="LibcPosixFileSystem.MapRead"/>.</summary>
internal sealed unsafe class MappedFileView : IPosixFileView
{
    private const int EFBig = 27;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;
    private readonly int _length;
    private int _disposed;

    private MappedFileView(MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer, int length)
    {
        _map = map;
        _view = view;
        _pointer = pointer;
        _length = length;
    }

    public ReadOnlySpan<byte> Span => new(_pointer, _length);

    /// <exception cref="PosixException">The file cannot be opened (a symlink: ELOOP), is a directory (EISDIR) or exceeds 2 GiB (EFBIG).</exception>
    public static MappedFileView Open(string path)
    {
        int fd = LibcNative.Open(path, LibcNative.ORdOnly | LibcNative.ONoFollow | LibcNative.OCloExec, 0);
        if (fd < 0)
        {
            throw Fail("open", path, Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            byte* statx = stackalloc byte[LibcNative.StatxBufferSize];
            byte empty = 0;
            if (LibcNative.Statx(fd, &empty, LibcNative.AtEmptyPath, LibcNative.StatxType | LibcNative.StatxSize, statx) != 0)
            {
                throw Fail("statx", path, Marshal.GetLastPInvokeError());
            }

            if ((*(ushort*)(statx + 28) & 0xF000) == (ushort)PosixFileType.Directory)
            {
                throw Fail("open", path, PosixErrno.EISDIR);
            }

            long size = *(long*)(statx + 40);
            if (size > int.MaxValue)
            {
                throw Fail("mmap", path, EFBig);
            }

            if (size == 0)
            {
                handle.Dispose();
                return new MappedFileView(null, null, null, 0);
            }

            var map = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var view = map.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFileView(map, view, pointer + view.PointerOffset, (int)size);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _map?.Dispose();
    }

    private static PosixException Fail(string operation, string path, int errno) =>
        new(operation, path, errno, Marshal.GetPInvokeErrorMessage(errno));
}
