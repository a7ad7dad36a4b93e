using System.Diagnostics.CodeAnalysis;

namespace AptOstree.Deb;

/// <summary>
/// A forward-only stream served from filled buffers ("chunks") that a producer hands over one at a time. Subclasses
/// say how the next chunk is taken and how a consumed one is given back; this class copies them out in order.
/// </summary>
internal abstract class ChunkedReadStream : AptOstree.ForwardOnlyReadStream
{
    private byte[]? _current;
    private int _currentOffset;
    private int _currentLength;
    private long _position;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            if (_current is null || _currentOffset == _currentLength)
            {
                var consumed = _current;
                _current = null;
                if (!TryTakeChunk(consumed, wait: total == 0, out var chunk, out var length))
                {
                    break;
                }

                _current = chunk;
                _currentLength = length;
                _currentOffset = 0;
            }

            var n = Math.Min(buffer.Length - total, _currentLength - _currentOffset);
            _current.AsSpan(_currentOffset, n).CopyTo(buffer[total..]);
            _currentOffset += n;
            total += n;
        }

        _position += total;
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
        var chunk = _current;
        _current = null;
        return chunk;
    }
}
