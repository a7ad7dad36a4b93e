namespace AptOstree.Deb.Compression;

/// <summary>
/// Wraps a decompressor: turns its exceptions into <see cref="InvalidFormatException"/> naming the member,
/// counts output and enforces <see cref="DecompressionLimits"/>.
/// </summary>
internal sealed class DecompressionGuardStream : AptOstree.IO.ForwardOnlyReadStream
{
    private readonly Stream decoder;
    private readonly CountingReadStream compressed;
    private readonly DecompressionLimits limits;
    private readonly string sourceName;
    private readonly string memberName;
    private readonly DebCompression compression;
    private long produced;

    public DecompressionGuardStream(Stream decoder, CountingReadStream compressed, DebCompression compression, DecompressionLimits limits, string sourceName, string memberName)
    {
        this.decoder = decoder;
        this.compressed = compressed;
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
                $"{sourceName}: corrupt {DebCompressionNames.GetName(compression)} data in member '{memberName}' (compressed offset {compressed.BytesRead}, decompressed offset {produced}): {ex.Message}",
                ex,
                sourceName,
                $"{memberName}@{compressed.BytesRead}");
        }

        produced += n;
        if (produced > limits.MaxDecompressedBytes)
        {
            throw Limit($"decompresses to more than {limits.MaxDecompressedBytes} bytes");
        }

        if (produced > limits.RatioGracePeriodBytes && produced > limits.MaxExpansionRatio * Math.Max(1, compressed.BytesRead))
        {
            throw Limit($"expands {produced} bytes from {compressed.BytesRead} compressed bytes, more than the allowed ratio {limits.MaxExpansionRatio}:1 (a decompression bomb?)");
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
