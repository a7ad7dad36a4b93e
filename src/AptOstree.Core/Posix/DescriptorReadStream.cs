using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AptOstree.Posix;

/// <summary>
/// A forward-only read stream over an open descriptor: one <c>read</c> per call and nothing else (a
/// <see cref="FileStream"/> would <c>lseek</c> twice when made and <c>pread</c> at its own offset). Read errors throw
/// <see cref="PosixException"/> naming the file (a directory: EISDIR at the first read), spelled only then.
/// </summary>
internal sealed unsafe class DescriptorReadStream(SafeFileHandle handle, PosixDirectoryHandle directory, byte[] name) : ForwardOnlyReadStream
{
    private const int EIntr = 4;

    public override bool CanRead => !handle.IsClosed;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            int fd = (int)handle.DangerousGetHandle();
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    nint n = LibcNative.Read(fd, p, (nuint)buffer.Length);
                    if (n >= 0)
                    {
                        return (int)n;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != EIntr)
                    {
                        throw new PosixException("read", directory.Child(name), errno, Marshal.GetPInvokeErrorMessage(errno));
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
