using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace AptOstree.Deb.Compression;

/// <summary>
/// Reads an inner stream (typically a decompressor) on a dedicated thread into a bounded queue of chunks, so that
/// decompression overlaps with whatever the consumer does (parsing tar, writing files). Memory is bounded by
/// <c>chunkSize × (depth + 2)</c>. Exceptions of the inner stream are rethrown to the consumer.
/// </summary>
internal sealed class ReadAheadStream : AptOstree.IO.ForwardOnlyReadStream
{
    private readonly Stream inner;
    private readonly BlockingCollection<(byte[]? Buffer, int Length, ExceptionDispatchInfo? Error)> queue;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;
    private readonly int chunkSize;
    private byte[]? current;
    private int currentLength;
    private int currentOffset;
    private bool ended;
    private long position;

    public ReadAheadStream(Stream inner, int chunkSize = 1 << 20, int depth = 4)
    {
        this.inner = inner;
        this.chunkSize = chunkSize;
        queue = new(depth);
        thread = new Thread(Produce) { IsBackground = true, Name = "deb-readahead" };
        thread.Start();
    }

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            if (current is null || currentOffset == currentLength)
            {
                if (current is not null)
                {
                    ArrayPool<byte>.Shared.Return(current);
                    current = null;
                }

                if (ended || (total > 0 && queue.Count == 0))
                {
                    break;
                }

                var (chunk, length, error) = queue.Take();
                if (error is not null)
                {
                    ended = true;
                    error.Throw();
                }

                if (chunk is null)
                {
                    ended = true;
                    break;
                }

                current = chunk;
                currentLength = length;
                currentOffset = 0;
            }

            var n = Math.Min(buffer.Length - total, currentLength - currentOffset);
            current.AsSpan(currentOffset, n).CopyTo(buffer[total..]);
            currentOffset += n;
            total += n;
        }

        position += total;
        return total;
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

            if (current is not null)
            {
                ArrayPool<byte>.Shared.Return(current);
                current = null;
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
