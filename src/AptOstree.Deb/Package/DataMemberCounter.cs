namespace AptOstree.Deb;

/// <summary>
/// How far into a data member's compressed bytes the reader is, so extraction can report progress against the
/// member's size (known from the ar header) without knowing the uncompressed size: the bytes a streaming decoder has
/// read, or, for the parallel xz decoder (whose workers read ahead), the compressed offset of the reader's position in
/// the decoded tar, mapped through the xz index.
/// </summary>
internal sealed class DataMemberCounter
{
    private long _bytes;
    private Func<long>? _position;

    public long Bytes => _position?.Invoke() ?? Interlocked.Read(ref _bytes);

    /// <summary>Reports the compressed offset of <paramref name="decodedPosition"/> through <paramref name="blocks"/> instead of counting reads.</summary>
    public void MapThroughBlocks(IReadOnlyList<XzBlock> blocks, Func<long> decodedPosition) => _position = () =>
    {
        var position = decodedPosition();
        var lo = 0;
        var hi = blocks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (blocks[mid].UncompressedOffset <= position)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var block = blocks[lo];
        var within = block.UncompressedSize == 0 ? 0 : Math.Min(1.0, (double)(position - block.UncompressedOffset) / block.UncompressedSize);
        return block.Offset + (long)(within * block.PaddedSize);
    };

    public void Add(int count) => Interlocked.Add(ref _bytes, count);

    /// <summary>A forward-only view of <paramref name="inner"/> that adds what is read.</summary>
    public Stream Wrap(Stream inner) => new CountingStream(inner, this);

    private sealed class CountingStream(Stream inner, DataMemberCounter counter) : ForwardOnlyReadStream
    {
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            counter.Add(n);
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
