namespace AptOstree.Deb;

/// <summary>
/// Wraps a decompressor: turns its exceptions into <see cref="InvalidFormatException"/> naming the member,
/// counts output and enforces <see cref="DecompressionLimits"/>.
/// </summary>
internal sealed class DecompressionGuardStream : AptOstree.ForwardOnlyReadStream
{
    private readonly Stream _decoder;
    private readonly Func<long> _compressedBytesRead;
    private readonly DecompressionLimits _limits;
    private readonly string _sourceName;
    private readonly string _memberName;
    private readonly DebCompression _compression;
    private long _produced;

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
        this._decoder = decoder;
        this._compressedBytesRead = compressedBytesRead;
        this._compression = compression;
        this._limits = limits;
        this._sourceName = sourceName;
        this._memberName = memberName;
    }

    public override long Position
    {
        get => _produced;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        int n;
        long compressedRead;
        try
        {
            n = _decoder.Read(buffer);
        }
        catch (AptOstreeException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new InvalidFormatException(
                DebErrorCodes.CorruptCompressedData,
                $"{_sourceName}: corrupt {DebCompressionNames.GetName(_compression)} data in member '{_memberName}' (compressed offset {_compressedBytesRead()}, decompressed offset {_produced}): {ex.Message}",
                ex,
                _sourceName,
                $"{_memberName}@{_compressedBytesRead()}");
        }

        compressedRead = _compressedBytesRead();

        _produced += n;
        if (_produced > _limits.MaxDecompressedBytes)
        {
            throw Limit($"decompresses to more than {_limits.MaxDecompressedBytes} bytes");
        }

        if (_produced > _limits.RatioGracePeriodBytes && _produced > _limits.MaxExpansionRatio * Math.Max(1, compressedRead))
        {
            throw Limit($"expands {_produced} bytes from {compressedRead} compressed bytes, more than the allowed ratio {_limits.MaxExpansionRatio}:1 (a decompression bomb?)");
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
            _decoder.Dispose();
        }

        base.Dispose(disposing);
    }

    private InvalidFormatException Limit(string what) => new(
        DebErrorCodes.DecompressionLimitExceeded,
        $"{_sourceName}: member '{_memberName}' {what}.",
        source: _sourceName,
        location: _memberName);
}
