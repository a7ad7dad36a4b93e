namespace AptOstree.Deb;

/// <summary>Pass-through read stream that counts the bytes read (the compressed side of a decoder).</summary>
internal sealed class CountingReadStream : AptOstree.ForwardOnlyReadStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;

    public CountingReadStream(Stream inner, bool leaveOpen)
    {
        this._inner = inner;
        this._leaveOpen = leaveOpen;
    }

    public long BytesRead { get; private set; }

    public override long Length => _inner.Length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        BytesRead += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        BytesRead += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
