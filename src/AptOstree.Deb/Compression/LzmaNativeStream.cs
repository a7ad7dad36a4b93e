using System.Runtime.InteropServices;

namespace AptOstree.Deb;

/// <summary>
/// A liblzma coder as a <see cref="Stream"/>: either a decoder (read side) over a compressed stream or an
/// encoder (write side) into a compressed stream. The <c>lzma_stream</c> and the input buffer live in
/// native memory because liblzma keeps pointers into them between calls.
/// </summary>
internal sealed unsafe class LzmaNativeStream : Stream
{
    private const int BufferSize = 1 << 20;
    private readonly Stream inner;
    private readonly bool leaveOpen;
    private readonly bool decoding;
    private readonly string what;
    private LibLzma.LzmaStream* strm;
    private byte* buffer;
    private bool innerEnded;
    private bool finished;

    private LzmaNativeStream(Stream inner, bool leaveOpen, bool decoding, string what)
    {
        this.inner = inner;
        this.leaveOpen = leaveOpen;
        this.decoding = decoding;
        this.what = what;
        strm = (LibLzma.LzmaStream*)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaStream));
        buffer = (byte*)NativeMemory.Alloc(BufferSize);
    }

    public override bool CanRead => decoding;

    public override bool CanSeek => false;

    public override bool CanWrite => !decoding;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => decoding ? (long)strm->TotalOut : (long)strm->TotalIn;
        set => throw new NotSupportedException();
    }

    /// <summary>Bytes consumed from the compressed stream so far.</summary>
    public long CompressedPosition => (long)strm->TotalIn;

    /// <summary>Creates an xz (or, with <paramref name="alone"/>, lzma-alone) decoder.</summary>
    public static LzmaNativeStream CreateDecoder(Stream compressed, bool leaveOpen, bool alone, int threads, ulong memlimitThreading)
    {
        var s = new LzmaNativeStream(compressed, leaveOpen, decoding: true, alone ? "lzma" : "xz");
        int ret;
        if (alone)
        {
            ret = LibLzma.AloneDecoder(s.strm, ulong.MaxValue);
        }
        else if (threads > 1 && LibLzma.HasMultithreadedDecoder)
        {
            var mt = new LibLzma.LzmaMt { Threads = (uint)threads, MemlimitThreading = memlimitThreading, MemlimitStop = ulong.MaxValue };
            ret = LibLzma.StreamDecoderMt(s.strm, &mt);
        }
        else
        {
            ret = LibLzma.StreamDecoder(s.strm, ulong.MaxValue, 0);
        }

        s.CheckInit(ret);
        return s;
    }

    /// <summary>Creates an xz encoder (multi-threaded when <paramref name="threads"/> &gt; 1).</summary>
    public static LzmaNativeStream CreateEncoder(Stream output, bool leaveOpen, uint preset, int threads)
    {
        var s = new LzmaNativeStream(output, leaveOpen, decoding: false, "xz");
        int ret;
        if (threads > 1)
        {
            var mt = new LibLzma.LzmaMt { Threads = (uint)threads, Preset = preset, Check = LibLzma.LZMA_CHECK_CRC64 };
            ret = LibLzma.StreamEncoderMt(s.strm, &mt);
        }
        else
        {
            ret = LibLzma.EasyEncoder(s.strm, preset, LibLzma.LZMA_CHECK_CRC64);
        }

        s.CheckInit(ret);
        return s;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (!decoding)
        {
            throw new NotSupportedException();
        }

        ObjectDisposedException.ThrowIf(strm is null, this);
        if (finished || destination.IsEmpty)
        {
            return 0;
        }

        fixed (byte* outPtr = destination)
        {
            strm->NextOut = outPtr;
            strm->AvailOut = (nuint)destination.Length;
            while (true)
            {
                if (strm->AvailIn == 0 && !innerEnded)
                {
                    var n = inner.Read(new Span<byte>(buffer, BufferSize));
                    if (n == 0)
                    {
                        innerEnded = true;
                    }

                    strm->NextIn = buffer;
                    strm->AvailIn = (nuint)n;
                }

                var ret = LibLzma.Code(strm, innerEnded ? LibLzma.LZMA_FINISH : LibLzma.LZMA_RUN);
                var produced = destination.Length - (int)strm->AvailOut;
                strm->NextOut = null;
                if (ret == LibLzma.LZMA_STREAM_END)
                {
                    finished = true;
                    return produced;
                }

                if (ret != LibLzma.LZMA_OK)
                {
                    throw new InvalidDataException($"{what}: {LibLzma.Describe(ret)} (after {strm->TotalIn} compressed bytes, {strm->TotalOut} decompressed bytes)");
                }

                if (produced > 0)
                {
                    return produced;
                }

                strm->NextOut = outPtr;
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> source)
    {
        if (decoding)
        {
            throw new NotSupportedException();
        }

        ObjectDisposedException.ThrowIf(strm is null, this);
        fixed (byte* inPtr = source)
        {
            strm->NextIn = inPtr;
            strm->AvailIn = (nuint)source.Length;
            while (strm->AvailIn > 0)
            {
                Encode(LibLzma.LZMA_RUN);
            }

            strm->NextIn = null;
        }
    }

    public override void Flush()
    {
        if (!decoding)
        {
            inner.Flush();
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (strm is not null)
        {
            try
            {
                if (disposing && !decoding)
                {
                    while (!finished)
                    {
                        Encode(LibLzma.LZMA_FINISH);
                    }

                    inner.Flush();
                }
            }
            finally
            {
                LibLzma.End(strm);
                NativeMemory.Free(strm);
                NativeMemory.Free(buffer);
                strm = null;
                buffer = null;
                if (disposing && !leaveOpen)
                {
                    inner.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private void Encode(int action)
    {
        strm->NextOut = buffer;
        strm->AvailOut = BufferSize;
        var ret = LibLzma.Code(strm, action);
        var produced = BufferSize - (int)strm->AvailOut;
        if (produced > 0)
        {
            inner.Write(new ReadOnlySpan<byte>(buffer, produced));
        }

        if (ret == LibLzma.LZMA_STREAM_END)
        {
            finished = true;
        }
        else if (ret != LibLzma.LZMA_OK)
        {
            throw new InvalidOperationException($"xz encoder: {LibLzma.Describe(ret)}");
        }
    }

    private void CheckInit(int ret)
    {
        if (ret != LibLzma.LZMA_OK)
        {
            Dispose();
            throw new InvalidOperationException($"liblzma {what} coder initialisation failed: {LibLzma.Describe(ret)}");
        }
    }
}
