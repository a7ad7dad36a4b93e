using System.IO.Compression;

namespace AptOstree.Deb;

/// <summary>Opens compressing streams for writing .deb members.</summary>
public static class DebCompressor
{
    /// <summary>Opens a compressing stream that writes into <paramref name="output"/>; dispose it to finish the stream.</summary>
    /// <param name="output">Where compressed bytes go.</param>
    /// <param name="compression">The codec. bzip2 and lzma are read-only here.</param>
    /// <param name="level">Codec level (xz 0–9, zstd 1–22, gzip 1–9); codec default when null.</param>
    /// <param name="leaveOpen">True to leave <paramref name="output"/> open on dispose.</param>
    public static Stream Open(Stream output, DebCompression compression, int? level = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        return compression switch
        {
            DebCompression.None => leaveOpen ? new NonClosingStream(output) : output,
            DebCompression.Gzip => new GZipStream(output, level is <= 3 ? CompressionLevel.Fastest : level is >= 8 ? CompressionLevel.SmallestSize : CompressionLevel.Optimal, leaveOpen),
            DebCompression.Xz => LibLzma.IsAvailable
                ? LzmaNativeStream.CreateEncoder(output, leaveOpen, (uint)(level ?? 6), Environment.ProcessorCount)
                : throw new AptOstreeException(DebErrorCodes.CodecUnavailable, "Writing xz needs the system liblzma (liblzma.so.5), which could not be loaded; choose zstd or gzip.", null),
            DebCompression.Zstd => OpenZstd(output, level ?? 3, leaveOpen),
            _ => throw new AptOstreeException(DebErrorCodes.CodecUnavailable, $"Writing {DebCompressionNames.GetName(compression)} members is not supported; choose xz, zstd, gzip or none.", null),
        };
    }

    private static ZstdSharp.CompressionStream OpenZstd(Stream output, int level, bool leaveOpen)
    {
        var zstd = new ZstdSharp.CompressionStream(output, level, leaveOpen: leaveOpen);
        zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return zstd;
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
