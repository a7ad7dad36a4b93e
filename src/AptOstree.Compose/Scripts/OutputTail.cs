using System.Text;

namespace AptOstree.Compose;

/// <summary>Keeps the last <c>capacity</c> bytes of a stream of output (a ring buffer), so memory stays bounded however much a command prints.</summary>
internal sealed class OutputTail
{
    private readonly byte[] _buffer;
    private readonly Lock _gate = new();
    private int _next;
    private bool _wrapped;

    public OutputTail(int capacity)
    {
        _buffer = new byte[Math.Max(1, capacity)];
    }

    /// <summary>Appends bytes, dropping the oldest beyond the capacity.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (data.Length >= _buffer.Length)
            {
                data[^_buffer.Length..].CopyTo(_buffer);
                _next = 0;
                _wrapped = true;
                return;
            }

            int first = Math.Min(data.Length, _buffer.Length - _next);
            data[..first].CopyTo(_buffer.AsSpan(_next));
            data[first..].CopyTo(_buffer);
            if (_next + data.Length >= _buffer.Length)
            {
                _wrapped = true;
            }

            _next = (_next + data.Length) % _buffer.Length;
        }
    }

    /// <summary>The kept bytes as UTF-8 text (invalid or cut sequences become U+FFFD).</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            if (!_wrapped)
            {
                return Encoding.UTF8.GetString(_buffer, 0, _next);
            }

            int start = _next;
            var ordered = new byte[_buffer.Length];
            _buffer.AsSpan(start).CopyTo(ordered);
            _buffer.AsSpan(0, start).CopyTo(ordered.AsSpan(_buffer.Length - start));
            // Skip UTF-8 continuation bytes cut off from their lead byte.
            int skip = 0;
            while (skip < ordered.Length && (ordered[skip] & 0xC0) == 0x80)
            {
                skip++;
            }

            return Encoding.UTF8.GetString(ordered, skip, ordered.Length - skip);
        }
    }
}
