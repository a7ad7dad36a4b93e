namespace AptOstree.Deb;

/// <summary>
/// Counts the compressed bytes of a data member the decoders have read, so extraction and import can report
/// progress against the member's size (known from the ar header) without knowing the uncompressed size.
/// </summary>
internal sealed class DataMemberCounter
{
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Add(int count) => Interlocked.Add(ref _bytes, count);

    /// <summary>A forward-only view of <paramref name="inner"/> that adds what is read.</summary>
    public Stream Wrap(Stream inner) => new CountingStream(inner, this);

    /// <summary>A view of <paramref name="inner"/> that adds what its (concurrent) readers read.</summary>
    public RandomAccessSource Wrap(RandomAccessSource inner) => new CountingSource(inner, this);

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

    private sealed class CountingSource(RandomAccessSource inner, DataMemberCounter counter) : RandomAccessSource
    {
        public override long Length => inner.Length;

        public override int Read(long offset, Span<byte> destination)
        {
            var n = inner.Read(offset, destination);
            counter.Add(n);
            return n;
        }
    }
}
