namespace AptOstree.Deb;

/// <summary>A read-only window of a fixed length over the archive stream; a short read means a truncated archive.</summary>
internal sealed class MemberDataStream : AptOstree.ForwardOnlyReadStream
{
    private readonly Stream inner;
    private readonly string sourceName;
    private readonly string memberName;
    private readonly long length;
    private readonly long dataOffset;
    private long position;

    public MemberDataStream(Stream inner, string sourceName, string memberName, long dataOffset, long length)
    {
        this.inner = inner;
        this.sourceName = sourceName;
        this.memberName = memberName;
        this.dataOffset = dataOffset;
        this.length = length;
    }

    public long Remaining => length - position;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (Remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Remaining);
        var n = inner.Read(buffer[..want]);
        return Advance(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Remaining);
        var n = await inner.ReadAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
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

        if (inner.CanSeek)
        {
            var target = inner.Position + Remaining;
            if (target > inner.Length)
            {
                throw Truncated(inner.Length - inner.Position + position);
            }

            inner.Position = target;
            position = length;
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
            throw Truncated(position);
        }

        position += n;
        return n;
    }

    private InvalidFormatException Truncated(long got) => new(
        DebErrorCodes.TruncatedArchive,
        $"{sourceName}: ar member '{memberName}' is truncated: header promises {length} bytes at offset {dataOffset}, the archive ends after {got}.",
        source: sourceName,
        location: $"{memberName}@{dataOffset + got}");
}
