using System.Runtime.InteropServices.Marshalling;

namespace AptOstree.Posix;

/// <summary>
/// Overloads of the libc entry points for UTF-8 string paths: each encodes its strings as the P/Invoke source
/// generator would (on the stack up to 256 bytes) and calls the one byte-name declaration in <c>LibcNative.cs</c>.
/// </summary>
internal static unsafe partial class LibcNative
{
    internal static int Statx(int dirFd, string path, int flags, uint mask, byte* buffer)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Statx(dirFd, p.ToUnmanaged(), flags, mask, buffer);
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Mkdir(string path, uint mode)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Mkdir(p.ToUnmanaged(), mode);
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Link(string oldPath, string newPath)
    {
        var a = Encode(oldPath, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        var b = Encode(newPath, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Link(a.ToUnmanaged(), b.ToUnmanaged());
        }
        finally
        {
            a.Free();
            b.Free();
        }
    }

    internal static int Symlink(string target, string linkPath)
    {
        var a = Encode(target, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        var b = Encode(linkPath, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Symlink(a.ToUnmanaged(), b.ToUnmanaged());
        }
        finally
        {
            a.Free();
            b.Free();
        }
    }

    internal static nint Readlink(string path, byte* buffer, nuint size)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Readlink(p.ToUnmanaged(), buffer, size);
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Lchown(string path, uint uid, uint gid)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Lchown(p.ToUnmanaged(), uid, gid);
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Chmod(string path, uint mode)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Chmod(p.ToUnmanaged(), mode);
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Utimensat(int dirFd, string path, long* times, int flags)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Utimensat(dirFd, p.ToUnmanaged(), times, flags);
        }
        finally
        {
            p.Free();
        }
    }

    internal static nint Lgetxattr(string path, string name, byte* value, nuint size)
    {
        var a = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        var b = Encode(name, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Lgetxattr(a.ToUnmanaged(), b.ToUnmanaged(), value, size);
        }
        finally
        {
            a.Free();
            b.Free();
        }
    }

    internal static int Lsetxattr(string path, string name, byte* value, nuint size, int flags)
    {
        var a = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        var b = Encode(name, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Lsetxattr(a.ToUnmanaged(), b.ToUnmanaged(), value, size, flags);
        }
        finally
        {
            a.Free();
            b.Free();
        }
    }

    internal static nint Llistxattr(string path, byte* list, nuint size)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Llistxattr(p.ToUnmanaged(), list, size);
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Lremovexattr(string path, string name)
    {
        var a = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        var b = Encode(name, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Lremovexattr(a.ToUnmanaged(), b.ToUnmanaged());
        }
        finally
        {
            a.Free();
            b.Free();
        }
    }

    internal static int Mknod(string path, uint mode, ulong device)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Mknod(p.ToUnmanaged(), mode, device);
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Rename(string oldPath, string newPath)
    {
        var a = Encode(oldPath, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        var b = Encode(newPath, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Rename(a.ToUnmanaged(), b.ToUnmanaged());
        }
        finally
        {
            a.Free();
            b.Free();
        }
    }

    internal static int Renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags)
    {
        var a = Encode(oldPath, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        var b = Encode(newPath, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Renameat2(oldDirFd, a.ToUnmanaged(), newDirFd, b.ToUnmanaged(), flags);
        }
        finally
        {
            a.Free();
            b.Free();
        }
    }

    internal static int Unlink(string path)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Unlink(p.ToUnmanaged());
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Rmdir(string path)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Rmdir(p.ToUnmanaged());
        }
        finally
        {
            p.Free();
        }
    }

    internal static int Open(string path, int flags, uint mode)
    {
        var p = Encode(path, stackalloc byte[Utf8StringMarshaller.ManagedToUnmanagedIn.BufferSize]);
        try
        {
            return Open(p.ToUnmanaged(), flags, mode);
        }
        finally
        {
            p.Free();
        }
    }

    private static Utf8StringMarshaller.ManagedToUnmanagedIn Encode(string value, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(value);
        var marshaller = default(Utf8StringMarshaller.ManagedToUnmanagedIn);
        marshaller.FromManaged(value, buffer);
        return marshaller;
    }
}
