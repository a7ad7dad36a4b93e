using System.Diagnostics.CodeAnalysis;

namespace AptOstree.Deb;

/// <summary>
/// A forward-only stream served from filled buffers ("chunks") that a producer hands over one at a time. Subclasses
/// say how the next chunk is taken and how a consumed one is given back; this class copies them out in order.
/// </summary>
internal abstract class ChunkedReadStream : AptOstree.ForwardOnlyReadStream
{
    private byte[]? current;
    private int currentOffset;
    private int currentLength;
    private long position;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            if (current is null || currentOffset == currentLength)
            {
                var consumed = current;
                current = null;
                if (!TryTakeChunk(consumed, wait: total == 0, out var chunk, out var length))
                {
                    break;
                }

                current = chunk;
                currentLength = length;
                currentOffset = 0;
            }

            var n = Math.Min(buffer.Length - total, currentLength - currentOffset);
            current.AsSpan(currentOffset, n).CopyTo(buffer[total..]);
            currentOffset += n;
            total += n;
        }

        position += total;
        return total;
    }

    /// <summary>
    /// Gives back <paramref name="consumed"/> (when not null) and takes the next chunk. False at the end, or when
    /// <paramref name="wait"/> is false and no chunk is ready (bytes already copied in this read then go out first).
    /// </summary>
    protected abstract bool TryTakeChunk(byte[]? consumed, bool wait, [NotNullWhen(true)] out byte[]? chunk, out int length);

    /// <summary>Hands the chunk being read, if any, to the subclass to give back on disposal.</summary>
    protected byte[]? DetachCurrentChunk()
    {
        var chunk = current;
        current = null;
        return chunk;
    }
}
