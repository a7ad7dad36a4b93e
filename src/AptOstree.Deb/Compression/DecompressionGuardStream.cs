namespace AptOstree.Deb;

/// <summary>
/// Wraps a decompressor, the one guard of every decoding stream (.deb members and index files): turns its
/// exceptions into <see cref="InvalidFormatException"/> naming the file (and member), counts output and enforces
/// <see cref="DecompressionLimits"/>.
/// </summary>
internal sealed class DecompressionGuardStream : AptOstree.ForwardOnlyReadStream
{
    private readonly Stream _decoder;
    private readonly Func<long> _compressedBytesRead;
    private readonly DecompressionLimits _limits;
    private readonly string _sourceName;
    private readonly string? _memberName;
    private readonly DebCompression _compression;
    private readonly string _corruptDataCode;
    private long _produced;

    /// <param name="decoder">The decompressing stream.</param>
    /// <param name="compressedBytesRead">How far into the compressed data the decoder is (for messages and the ratio check).</param>
    /// <param name="compression">The codec, for messages.</param>
    /// <param name="limits">The bomb limits.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <param name="memberName">Member name for messages; null when the whole file is compressed.</param>
    /// <param name="corruptDataCode">The error code of corrupt data (the .deb's or the index's).</param>
    public DecompressionGuardStream(Stream decoder, Func<long> compressedBytesRead, DebCompression compression, DecompressionLimits limits, string sourceName, string? memberName, string corruptDataCode)
    {
        _corruptDataCode = corruptDataCode;
        _decoder = decoder;
        _compressedBytesRead = compressedBytesRead;
        _compression = compression;
        _limits = limits;
        _sourceName = sourceName;
        _memberName = memberName;
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
            string where = _memberName is null ? string.Empty : $" in member '{_memberName}'";
            throw new InvalidFormatException(
                _corruptDataCode,
                $"{_sourceName}: corrupt {DebCompressionNames.GetName(_compression)} data{where} (compressed offset {_compressedBytesRead()}, decompressed offset {_produced}): {ex.Message}",
                ex,
                _sourceName,
                _memberName is null ? $"offset {_compressedBytesRead()}" : $"{_memberName}@{_compressedBytesRead()}");
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
        _memberName is null ? $"{_sourceName} {what}." : $"{_sourceName}: member '{_memberName}' {what}.",
        source: _sourceName,
        location: _memberName);
}
