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
    private readonly Stream inner;
    private readonly BlockingCollection<(byte[]? Buffer, int Length, ExceptionDispatchInfo? Error)> queue;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;
    private readonly int chunkSize;
    private bool ended;

    public ReadAheadStream(Stream inner, int chunkSize = 1 << 20, int depth = 4)
    {
        this.inner = inner;
        this.chunkSize = chunkSize;
        queue = new(depth);
        thread = new Thread(Produce) { IsBackground = true, Name = "deb-readahead" };
        thread.Start();
    }

    protected override bool TryTakeChunk(byte[]? consumed, bool wait, [NotNullWhen(true)] out byte[]? chunk, out int length)
    {
        if (consumed is not null)
        {
            ArrayPool<byte>.Shared.Return(consumed);
        }

        chunk = null;
        length = 0;
        if (ended || (!wait && queue.Count == 0))
        {
            return false;
        }

        var (buffer, filled, error) = queue.Take();
        if (error is not null)
        {
            ended = true;
            error.Throw();
        }

        if (buffer is null)
        {
            ended = true;
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
            stop.Cancel();
            while (queue.TryTake(out var item))
            {
                if (item.Buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                }
            }

            thread.Join();
            while (queue.TryTake(out var item))
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

            inner.Dispose();
            queue.Dispose();
            stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Produce()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(chunkSize);
                var filled = 0;
                while (filled < chunkSize)
                {
                    var n = inner.Read(chunk, filled, chunkSize - filled);
                    if (n == 0)
                    {
                        break;
                    }

                    filled += n;
                }

                if (filled == 0)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                    queue.Add((null, 0, null), stop.Token);
                    return;
                }

                queue.Add((chunk, filled, null), stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            try
            {
                queue.Add((null, 0, ExceptionDispatchInfo.Capture(ex)), stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
