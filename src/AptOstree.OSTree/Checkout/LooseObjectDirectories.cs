using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// The open <c>objects/</c> directory and its 256 <c>XX/</c> subdirectories (opened on first use, shared by all
/// checkout workers) of a repository's file system, plus the helper to spell an object's name inside its subdirectory.
/// </summary>
internal sealed class LooseObjectDirectories : IDisposable
{
    /// <summary>Bytes of <c>YYYY….ext</c> (62 hex digits, a dot, the extension) for the longest extension.</summary>
    public const int MaxNameLength = 62 + 1 + 8;

    private static readonly byte[] HexDigits = "0123456789abcdef"u8.ToArray();
    private readonly IPosixDirectory _objects;
    private readonly IPosixDirectory?[] _subdirectories = new IPosixDirectory?[256];
    private readonly Lock _openLock = new();

    private LooseObjectDirectories(IPosixDirectory objects) => _objects = objects;

    /// <exception cref="PosixException">The objects directory cannot be opened.</exception>
    public static LooseObjectDirectories Open(IPosixFileSystem fileSystem, string objectsDirectory) => new(fileSystem.OpenDirectory(objectsDirectory));

    /// <summary><c>objects/XX/</c> for the checksum's first byte, or null when that directory cannot be opened.</summary>
    public IPosixDirectory? SubdirectoryFor(Checksum checksum)
    {
        Span<byte> digest = stackalloc byte[Checksum.ByteLength];
        checksum.WriteTo(digest);
        int index = digest[0];
        var directory = Volatile.Read(ref _subdirectories[index]);
        if (directory is not null)
        {
            return directory;
        }

        lock (_openLock)
        {
            if (_subdirectories[index] is { } opened)
            {
                return opened;
            }

            ReadOnlySpan<byte> name = [HexDigits[index >> 4], HexDigits[index & 0xF]];
            try
            {
                directory = _objects.OpenDirectory(name);
            }
            catch (PosixException)
            {
                return null;
            }

            Volatile.Write(ref _subdirectories[index], directory);
            return directory;
        }
    }

    /// <summary>Writes <c>YYYY….extension</c> (the name inside <c>objects/XX/</c>) and returns its length.</summary>
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
        return n + extension.Length;
    }

    public void Dispose()
    {
        for (int i = 0; i < _subdirectories.Length; i++)
        {
            _subdirectories[i]?.Dispose();
            _subdirectories[i] = null;
        }

        _objects.Dispose();
    }
}
