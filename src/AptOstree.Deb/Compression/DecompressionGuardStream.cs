namespace AptOstree.Deb;

/// <summary>
/// Wraps a decompressor: turns its exceptions into <see cref="InvalidFormatException"/> naming the member,
/// counts output and enforces <see cref="DecompressionLimits"/>.
/// </summary>
internal sealed class DecompressionGuardStream : AptOstree.ForwardOnlyReadStream
{
    private readonly Stream decoder;
    private readonly Func<long> compressedBytesRead;
    private readonly DecompressionLimits limits;
    private readonly string sourceName;
    private readonly string memberName;
    private readonly DebCompression compression;
    private long produced;

    public DecompressionGuardStream(Stream decoder, CountingReadStream compressed, DebCompression compression, DecompressionLimits limits, string sourceName, string memberName)
        : this(decoder, () => compressed.BytesRead, compression, limits, sourceName, memberName)
    {
    }

    /// <param name="decoder">The decompressing stream.</param>
    /// <param name="compressedBytesRead">How far into the compressed data the decoder is (for messages and the ratio check).</param>
    /// <param name="compression">The codec, for messages.</param>
    /// <param name="limits">The bomb limits.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <param name="memberName">Member name for messages.</param>
    public DecompressionGuardStream(Stream decoder, Func<long> compressedBytesRead, DebCompression compression, DecompressionLimits limits, string sourceName, string memberName)
    {
        this.decoder = decoder;
        this.compressedBytesRead = compressedBytesRead;
        this.compression = compression;
        this.limits = limits;
        this.sourceName = sourceName;
        this.memberName = memberName;
    }

    public override long Position
    {
        get => produced;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        int n;
        long compressedRead;
        try
        {
            n = decoder.Read(buffer);
        }
        catch (AptOstreeException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new InvalidFormatException(
                DebErrorCodes.CorruptCompressedData,
                $"{sourceName}: corrupt {DebCompressionNames.GetName(compression)} data in member '{memberName}' (compressed offset {compressedBytesRead()}, decompressed offset {produced}): {ex.Message}",
                ex,
                sourceName,
                $"{memberName}@{compressedBytesRead()}");
        }

        compressedRead = compressedBytesRead();

        produced += n;
        if (produced > limits.MaxDecompressedBytes)
        {
            throw Limit($"decompresses to more than {limits.MaxDecompressedBytes} bytes");
        }

        if (produced > limits.RatioGracePeriodBytes && produced > limits.MaxExpansionRatio * Math.Max(1, compressedRead))
        {
            throw Limit($"expands {produced} bytes from {compressedRead} compressed bytes, more than the allowed ratio {limits.MaxExpansionRatio}:1 (a decompression bomb?)");
        }

        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            decoder.Dispose();
        }

        base.Dispose(disposing);
    }

    private InvalidFormatException Limit(string what) => new(
        DebErrorCodes.DecompressionLimitExceeded,
        $"{sourceName}: member '{memberName}' {what}.",
        source: sourceName,
        location: memberName);
}
