using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace AptOstree.Deb;

/// <summary>
/// Decodes the blocks of a seekable multi-block xz file on a few worker threads with liblzma's block decoder and
/// hands their output to the reader in file order. Each worker streams its block's output in fixed-size chunks; the
/// block the reader is in may hold a few chunks, all later blocks together at most <c>aheadLimit</c> bytes, so
/// memory is bounded by the workers' dictionaries plus that budget, never by the block size. A worker whose block
/// is ahead and whose budget is used up waits until the reader reaches its block.
/// </summary>
/// <remarks>
/// liblzma verifies each block's check (CRC32, CRC64 or SHA-256) and that its sizes match the header and the index;
/// failures surface as <see cref="InvalidDataException"/> naming the block and its compressed offset, in order —
/// after all output of the blocks before it.
/// </remarks>
internal sealed unsafe class ParallelXzDecoderStream : ChunkedReadStream
{
    private const int HeadDepth = 4;
    private const int InputBufferSize = 1 << 16;
    private readonly RandomAccessSource _source;
    private readonly List<XzBlock> _blocks;
    private readonly int _chunkSize;
    private readonly long _aheadLimit;
    private readonly object _gate = new();
    private readonly Dictionary<int, BlockOutput> _outputs = [];
    private readonly Stack<byte[]> _freeChunks = new();
    private readonly Thread[] _workers;
    private int _nextBlock;
    private int _head;
    private long _bufferedAhead;
    private bool _stopping;

    public ParallelXzDecoderStream(RandomAccessSource source, List<XzBlock> blocks, int threads, long aheadLimit, int chunkSize = 1 << 17)
    {
        this._source = source;
        this._blocks = blocks;
        this._chunkSize = chunkSize;
        this._aheadLimit = aheadLimit;
        _workers = new Thread[Math.Clamp(threads, 1, Math.Max(1, blocks.Count))];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"xz-block-{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>Compressed bytes up to the end of the block being read (for the expansion-ratio guard).</summary>
    public long CompressedPosition
    {
        get
        {
            var b = Volatile.Read(ref _head);
            return b < _blocks.Count ? _blocks[b].Offset + _blocks[b].PaddedSize : _source.Length;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _stopping = true;
                Monitor.PulseAll(_gate);
            }

            foreach (var worker in _workers)
            {
                worker.Join();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Takes the next chunk of the head block (moving on to the next block when one is done).</summary>
    protected override bool TryTakeChunk(byte[]? consumed, bool wait, [NotNullWhen(true)] out byte[]? chunk, out int length)
    {
        chunk = null;
        length = 0;
        lock (_gate)
        {
            if (consumed is not null)
            {
                _freeChunks.Push(consumed);
                Monitor.PulseAll(_gate);
            }

            while (_head < _blocks.Count)
            {
                var output = GetOutput(_head);
                if (output.Chunks.TryDequeue(out var ready))
                {
                    chunk = ready.Buffer;
                    length = ready.Length;
                    Monitor.PulseAll(_gate);
                    return true;
                }

                if (output.Error is not null)
                {
                    // Bytes already copied in this Read go out first; the next Read throws.
                    if (!wait)
                    {
                        return false;
                    }

                    output.Error.Throw();
                }

                if (output.Complete)
                {
                    _outputs.Remove(_head);
                    _head++;
                    if (_head < _blocks.Count && _outputs.TryGetValue(_head, out var next))
                    {
                        _bufferedAhead -= next.BufferedBytes;
                    }

                    Monitor.PulseAll(_gate);
                    continue;
                }

                if (!wait)
                {
                    return false;
                }

                Monitor.Wait(_gate);
            }

            return false;
        }
    }

    private BlockOutput GetOutput(int block)
    {
        if (!_outputs.TryGetValue(block, out var output))
        {
            output = new BlockOutput();
            _outputs[block] = output;
        }

        return output;
    }

    private void Work()
    {
        var strm = (LibLzma.LzmaStream*)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaStream));
        var block = (LibLzma.LzmaBlock*)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaBlock));
        var filters = (LibLzma.LzmaFilter*)NativeMemory.AllocZeroed((nuint)(sizeof(LibLzma.LzmaFilter) * (LibLzma.LZMA_FILTERS_MAX + 1)));
        var input = (byte*)NativeMemory.Alloc(InputBufferSize);
        try
        {
            while (true)
            {
                int index;
                lock (_gate)
                {
                    if (_stopping || _nextBlock >= _blocks.Count)
                    {
                        return;
                    }

                    index = _nextBlock++;
                    GetOutput(index);
                }

                try
                {
                    DecodeBlock(index, strm, block, filters, input);
                    lock (_gate)
                    {
                        if (_outputs.TryGetValue(index, out var done))
                        {
                            done.Complete = true;
                        }

                        Monitor.PulseAll(_gate);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception ex)
                {
                    lock (_gate)
                    {
                        if (_outputs.TryGetValue(index, out var failed))
                        {
                            failed.Error = ExceptionDispatchInfo.Capture(ex);
                        }

                        // Blocks are claimed in order, so every block before this one is already being decoded and
                        // the reader gets all their output before this error; nothing after it is needed.
                        _nextBlock = _blocks.Count;
                        Monitor.PulseAll(_gate);
                    }

                    return;
                }
            }
        }
        finally
        {
            LibLzma.End(strm);
            NativeMemory.Free(strm);
            NativeMemory.Free(block);
            NativeMemory.Free(filters);
            NativeMemory.Free(input);
        }
    }

    private void DecodeBlock(int index, LibLzma.LzmaStream* strm, LibLzma.LzmaBlock* block, LibLzma.LzmaFilter* filters, byte* input)
    {
        var info = _blocks[index];
        var headerSizeByte = stackalloc byte[1];
        _source.ReadExactly(info.Offset, new Span<byte>(headerSizeByte, 1));
        if (headerSizeByte[0] == 0)
        {
            throw BlockError(index, info.Offset, "an index indicator where the index puts a block header");
        }

        var headerSize = (headerSizeByte[0] + 1) * 4;
        if (headerSize > info.UnpaddedSize)
        {
            throw BlockError(index, info.Offset, $"block header of {headerSize} bytes is larger than the block's size {info.UnpaddedSize} in the index");
        }

        var header = stackalloc byte[headerSize];
        _source.ReadExactly(info.Offset, new Span<byte>(header, headerSize));
        *block = default;
        block->Version = 1;
        block->HeaderSize = (uint)headerSize;
        block->Check = info.Check;
        block->Filters = filters;
        Check(index, info.Offset, "block header", LibLzma.BlockHeaderDecode(block, 0, header));
        int ret;
        try
        {
            Check(index, info.Offset, "block size in the index", LibLzma.BlockCompressedSize(block, (ulong)info.UnpaddedSize));
            if (block->UncompressedSize != LibLzma.LZMA_VLI_UNKNOWN && block->UncompressedSize != (ulong)info.UncompressedSize)
            {
                throw BlockError(index, info.Offset, $"block header says {block->UncompressedSize} uncompressed bytes, the index {info.UncompressedSize}");
            }

            block->UncompressedSize = (ulong)info.UncompressedSize;
            ret = LibLzma.BlockDecoder(strm, block);
        }
        finally
        {
            for (var f = 0; f <= LibLzma.LZMA_FILTERS_MAX && filters[f].Id != LibLzma.LZMA_VLI_UNKNOWN; f++)
            {
                NativeMemory.Free(filters[f].Options);
                filters[f].Options = null;
            }
        }

        Check(index, info.Offset, "block decoder", ret);
        var inputOffset = info.Offset + headerSize;
        var inputEnd = info.Offset + info.PaddedSize;
        strm->AvailIn = 0;
        byte[]? chunk = null;
        var filled = 0;
        try
        {
            while (true)
            {
                if (strm->AvailIn == 0 && inputOffset < inputEnd)
                {
                    var n = _source.Read(inputOffset, new Span<byte>(input, (int)Math.Min(InputBufferSize, inputEnd - inputOffset)));
                    if (n == 0)
                    {
                        throw BlockError(index, inputOffset, "the file ends inside the block");
                    }

                    strm->NextIn = input;
                    strm->AvailIn = (nuint)n;
                    inputOffset += n;
                }

                chunk ??= TakeFreeChunk();
                fixed (byte* outPtr = chunk)
                {
                    strm->NextOut = outPtr + filled;
                    strm->AvailOut = (nuint)(chunk.Length - filled);
                    ret = LibLzma.Code(strm, inputOffset < inputEnd ? LibLzma.LZMA_RUN : LibLzma.LZMA_FINISH);
                    filled = chunk.Length - (int)strm->AvailOut;
                    strm->NextOut = null;
                }

                if (ret == LibLzma.LZMA_STREAM_END)
                {
                    if (strm->AvailIn != 0 || inputOffset != inputEnd)
                    {
                        throw BlockError(index, inputOffset - (long)strm->AvailIn, "the block ends before the size the index gives it");
                    }

                    if (filled > 0)
                    {
                        Publish(index, chunk, filled);
                        chunk = null;
                    }

                    return;
                }

                if (ret != LibLzma.LZMA_OK)
                {
                    throw BlockError(index, inputOffset - (long)strm->AvailIn, LibLzma.Describe(ret));
                }

                if (filled == chunk.Length)
                {
                    Publish(index, chunk, filled);
                    chunk = null;
                    filled = 0;
                }
            }
        }
        finally
        {
            strm->NextIn = null;
            strm->AvailIn = 0;
            if (chunk is not null)
            {
                lock (_gate)
                {
                    _freeChunks.Push(chunk);
                }
            }
        }
    }

    private byte[] TakeFreeChunk()
    {
        lock (_gate)
        {
            if (_freeChunks.TryPop(out var chunk))
            {
                return chunk;
            }
        }

        return GC.AllocateUninitializedArray<byte>(_chunkSize);
    }

    /// <summary>Queues a full chunk, first waiting while the block is ahead of the reader and the budget is used up.</summary>
    private void Publish(int index, byte[] chunk, int length)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_stopping)
                {
                    throw new OperationCanceledException();
                }

                var output = _outputs[index];
                if (index == _head ? output.Chunks.Count < HeadDepth : _bufferedAhead + length <= _aheadLimit)
                {
                    output.Chunks.Enqueue((chunk, length));
                    if (index != _head)
                    {
                        output.BufferedBytes += length;
                        _bufferedAhead += length;
                    }

                    Monitor.PulseAll(_gate);
                    return;
                }

                Monitor.Wait(_gate);
            }
        }
    }

    private static void Check(int index, long offset, string what, int ret)
    {
        if (ret != LibLzma.LZMA_OK)
        {
            throw BlockError(index, offset, $"{what}: {LibLzma.Describe(ret)}");
        }
    }

    private static InvalidDataException BlockError(int index, long offset, string what) =>
        new($"xz block {index} at compressed offset {offset}: {what}");

    private sealed class BlockOutput
    {
        public Queue<(byte[] Buffer, int Length)> Chunks { get; } = new();

        public long BufferedBytes { get; set; }

        public bool Complete { get; set; }

        public ExceptionDispatchInfo? Error { get; set; }
    }
}
