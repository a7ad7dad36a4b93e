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
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly bool _decoding;
    private readonly string _what;
    private LibLzma.LzmaStream* _strm;
    private byte* _buffer;
    private bool _innerEnded;
    private bool _finished;

    private LzmaNativeStream(Stream inner, bool leaveOpen, bool decoding, string what)
    {
        this._inner = inner;
        this._leaveOpen = leaveOpen;
        this._decoding = decoding;
        this._what = what;
        _strm = (LibLzma.LzmaStream*)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaStream));
        _buffer = (byte*)NativeMemory.Alloc(BufferSize);
    }

    public override bool CanRead => _decoding;

    public override bool CanSeek => false;

    public override bool CanWrite => !_decoding;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _decoding ? (long)_strm->TotalOut : (long)_strm->TotalIn;
        set => throw new NotSupportedException();
    }

    /// <summary>Bytes consumed from the compressed stream so far.</summary>
    public long CompressedPosition => (long)_strm->TotalIn;

    /// <summary>Creates an xz (or, with <paramref name="alone"/>, lzma-alone) decoder.</summary>
    public static LzmaNativeStream CreateDecoder(Stream compressed, bool leaveOpen, bool alone, int threads, ulong memlimitThreading)
    {
        var s = new LzmaNativeStream(compressed, leaveOpen, decoding: true, alone ? "lzma" : "xz");
        int ret;
        if (alone)
        {
            ret = LibLzma.AloneDecoder(s._strm, ulong.MaxValue);
        }
        else if (threads > 1 && LibLzma.HasMultithreadedDecoder)
        {
            var mt = new LibLzma.LzmaMt { Threads = (uint)threads, MemlimitThreading = memlimitThreading, MemlimitStop = ulong.MaxValue };
            ret = LibLzma.StreamDecoderMt(s._strm, &mt);
        }
        else
        {
            ret = LibLzma.StreamDecoder(s._strm, ulong.MaxValue, 0);
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
            ret = LibLzma.StreamEncoderMt(s._strm, &mt);
        }
        else
        {
            ret = LibLzma.EasyEncoder(s._strm, preset, LibLzma.LZMA_CHECK_CRC64);
        }

        s.CheckInit(ret);
        return s;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (!_decoding)
        {
            throw new NotSupportedException();
        }

        ObjectDisposedException.ThrowIf(_strm is null, this);
        if (_finished || destination.IsEmpty)
        {
            return 0;
        }

        fixed (byte* outPtr = destination)
        {
            _strm->NextOut = outPtr;
            _strm->AvailOut = (nuint)destination.Length;
            while (true)
            {
                if (_strm->AvailIn == 0 && !_innerEnded)
                {
                    var n = _inner.Read(new Span<byte>(_buffer, BufferSize));
                    if (n == 0)
                    {
                        _innerEnded = true;
                    }

                    _strm->NextIn = _buffer;
                    _strm->AvailIn = (nuint)n;
                }

                var ret = LibLzma.Code(_strm, _innerEnded ? LibLzma.LZMA_FINISH : LibLzma.LZMA_RUN);
                var produced = destination.Length - (int)_strm->AvailOut;
                _strm->NextOut = null;
                if (ret == LibLzma.LZMA_STREAM_END)
                {
                    _finished = true;
                    return produced;
                }

                if (ret != LibLzma.LZMA_OK)
                {
                    throw new InvalidDataException($"{_what}: {LibLzma.Describe(ret)} (after {_strm->TotalIn} compressed bytes, {_strm->TotalOut} decompressed bytes)");
                }

                if (produced > 0)
                {
                    return produced;
                }

                _strm->NextOut = outPtr;
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> source)
    {
        if (_decoding)
        {
            throw new NotSupportedException();
        }

        ObjectDisposedException.ThrowIf(_strm is null, this);
        fixed (byte* inPtr = source)
        {
            _strm->NextIn = inPtr;
            _strm->AvailIn = (nuint)source.Length;
            while (_strm->AvailIn > 0)
            {
                Encode(LibLzma.LZMA_RUN);
            }

            _strm->NextIn = null;
        }
    }

    public override void Flush()
    {
        if (!_decoding)
        {
            _inner.Flush();
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_strm is not null)
        {
            try
            {
                if (disposing && !_decoding)
                {
                    while (!_finished)
                    {
                        Encode(LibLzma.LZMA_FINISH);
                    }

                    _inner.Flush();
                }
            }
            finally
            {
                LibLzma.End(_strm);
                NativeMemory.Free(_strm);
                NativeMemory.Free(_buffer);
                _strm = null;
                _buffer = null;
                if (disposing && !_leaveOpen)
                {
                    _inner.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private void Encode(int action)
    {
        _strm->NextOut = _buffer;
        _strm->AvailOut = BufferSize;
        var ret = LibLzma.Code(_strm, action);
        var produced = BufferSize - (int)_strm->AvailOut;
        if (produced > 0)
        {
            _inner.Write(new ReadOnlySpan<byte>(_buffer, produced));
        }

        if (ret == LibLzma.LZMA_STREAM_END)
        {
            _finished = true;
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
            throw new InvalidOperationException($"liblzma {_what} coder initialisation failed: {LibLzma.Describe(ret)}");
        }
    }
}
