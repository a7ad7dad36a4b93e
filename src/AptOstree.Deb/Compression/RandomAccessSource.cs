using Microsoft.Win32.SafeHandles;

namespace AptOstree.Deb;

/// <summary>
/// A byte range of a seekable file or stream read by offset, safe to call from several threads at once
/// (the parallel xz decoder's workers each read their own blocks).
/// </summary>
internal abstract class RandomAccessSource
{
    /// <summary>Bytes in the range.</summary>
    public abstract long Length { get; }

    /// <summary>Reads at most <paramref name="destination"/>.Length bytes at <paramref name="offset"/> (relative to the range); 0 at the end.</summary>
    public abstract int Read(long offset, Span<byte> destination);

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes or throws <see cref="EndOfStreamException"/>.</summary>
    public void ReadExactly(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var n = Read(offset, destination);
            if (n == 0)
            {
                throw new EndOfStreamException($"unexpected end of data at offset {offset}");
            }

            offset += n;
            destination = destination[n..];
        }
    }

    /// <summary>A range of <paramref name="stream"/>: positional reads on its file handle for a <see cref="FileStream"/>, else seek+read under a lock.</summary>
    public static RandomAccessSource Create(Stream stream, long start, long length) => stream is FileStream file
        ? new FileRange(file.SafeFileHandle, start, length)
        : new LockedStreamRange(stream, start, length);

    private static int Clamp(long offset, long length, int requested) => (int)Math.Min(requested, Math.Max(0, length - offset));

    private sealed class FileRange(SafeFileHandle handle, long start, long length) : RandomAccessSource
    {
        public override long Length => length;

        public override int Read(long offset, Span<byte> destination) =>
            RandomAccess.Read(handle, destination[..Clamp(offset, length, destination.Length)], start + offset);
    }

    private sealed class LockedStreamRange(Stream stream, long start, long length) : RandomAccessSource
    {
        private readonly Lock _gate = new();

        public override long Length => length;

        public override int Read(long offset, Span<byte> destination)
        {
            var count = Clamp(offset, length, destination.Length);
            lock (_gate)
            {
                stream.Position = start + offset;
                return stream.Read(destination[..count]);
            }
        }
    }
}
