using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace AptOstree.Deb;

/// <summary>
/// Reads an inner stream (typically a decompressor) on a dedicated thread into a bounded queue of chunks, so that
/// decompression overlaps with whatever the consumer does (parsing tar, writing files). Memory is bounded by
/// <c>chunkSize × (depth + 2)</c>. Exceptions of the inner stream are rethrown to the consumer.
/// </summary>
internal sealed class ReadAheadStream : ChunkedReadStream
{
    private readonly Stream _inner;
    private readonly BlockingCollection<(byte[]? Buffer, int Length, ExceptionDispatchInfo? Error)> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly int _chunkSize;
    private bool _ended;

    public ReadAheadStream(Stream inner, int chunkSize = 1 << 20, int depth = 4)
    {
        this._inner = inner;
        this._chunkSize = chunkSize;
        _queue = new(depth);
        _thread = new Thread(Produce) { IsBackground = true, Name = "deb-readahead" };
        _thread.Start();
    }

    protected override bool TryTakeChunk(byte[]? consumed, bool wait, [NotNullWhen(true)] out byte[]? chunk, out int length)
    {
        if (consumed is not null)
        {
            ArrayPool<byte>.Shared.Return(consumed);
        }

        chunk = null;
        length = 0;
        if (_ended || (!wait && _queue.Count == 0))
        {
            return false;
        }

        var (buffer, filled, error) = _queue.Take();
        if (error is not null)
        {
            _ended = true;
            error.Throw();
        }

        if (buffer is null)
        {
            _ended = true;
            return false;
        }

        chunk = buffer;
        length = filled;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            while (_queue.TryTake(out var item))
            {
                if (item.Buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                }
            }

            _thread.Join();
            while (_queue.TryTake(out var item))
            {
                if (item.Buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                }
            }

            if (DetachCurrentChunk() is { } current)
            {
                ArrayPool<byte>.Shared.Return(current);
            }

            _inner.Dispose();
            _queue.Dispose();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Produce()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(_chunkSize);
                var filled = 0;
                while (filled < _chunkSize)
                {
                    var n = _inner.Read(chunk, filled, _chunkSize - filled);
                    if (n == 0)
                    {
                        break;
                    }

                    filled += n;
                }

                if (filled == 0)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                    _queue.Add((null, 0, null), _stop.Token);
                    return;
                }

                _queue.Add((chunk, filled, null), _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            try
            {
                _queue.Add((null, 0, ExceptionDispatchInfo.Capture(ex)), _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
