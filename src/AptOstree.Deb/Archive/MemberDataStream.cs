namespace AptOstree.Deb;

/// <summary>A read-only window of a fixed length over the archive stream; a short read means a truncated archive.</summary>
internal sealed class MemberDataStream : AptOstree.ForwardOnlyReadStream
{
    private readonly Stream _inner;
    private readonly string _sourceName;
    private readonly string _memberName;
    private readonly long _length;
    private readonly long _dataOffset;
    private long _position;

    public MemberDataStream(Stream inner, string sourceName, string memberName, long dataOffset, long length)
    {
        this._inner = inner;
        this._sourceName = sourceName;
        this._memberName = memberName;
        this._dataOffset = dataOffset;
        this._length = length;
    }

    public long Remaining => _length - _position;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (Remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Remaining);
        var n = _inner.Read(buffer[..want]);
        return Advance(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Remaining);
        var n = await _inner.ReadAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
        return Advance(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Skips what is left of the member, seeking when the archive stream allows it.</summary>
    public void SkipRest()
    {
        if (Remaining <= 0)
        {
            return;
        }

        if (_inner.CanSeek)
        {
            var target = _inner.Position + Remaining;
            if (target > _inner.Length)
            {
                throw Truncated(_inner.Length - _inner.Position + _position);
            }

            _inner.Position = target;
            _position = _length;
            return;
        }

        var scratch = new byte[Math.Min(Remaining, 81920)];
        while (Remaining > 0)
        {
            if (Read(scratch, 0, (int)Math.Min(scratch.Length, Remaining)) == 0)
            {
                break;
            }
        }
    }

    private int Advance(int n)
    {
        if (n == 0)
        {
            throw Truncated(_position);
        }

        _position += n;
        return n;
    }

    private InvalidFormatException Truncated(long got) => new(
        DebErrorCodes.TruncatedArchive,
        $"{_sourceName}: ar member '{_memberName}' is truncated: header promises {_length} bytes at offset {_dataOffset}, the archive ends after {got}.",
        source: _sourceName,
        location: $"{_memberName}@{_dataOffset + got}");
}
