using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.LZMA;
using SharpCompress.Compressors.Xz;

namespace AptOstree.Deb;

/// <summary>
/// Opens decompressing streams for .deb members and APT's index files, the one codec table of the SDK. xz and lzma
/// use the system liblzma when it can be loaded (multi-threaded for multi-block xz), SharpCompress otherwise; zstd
/// uses ZstdSharp, gzip the BCL, bzip2 SharpCompress, lz4 K4os. Corrupt data surfaces as
/// <see cref="InvalidFormatException"/> and output beyond <see cref="DecompressionLimits"/> as
/// <see cref="DebErrorCodes.DecompressionLimitExceeded"/>.
/// </summary>
public static class DebDecompressor
{
    /// <summary>True when the system liblzma is used for xz and lzma.</summary>
    public static bool UsesNativeLzma => LibLzma.IsAvailable;

    /// <summary>Opens a decompressing stream over <paramref name="compressed"/>.</summary>
    /// <param name="compressed">The compressed bytes (e.g. an ar member's data).</param>
    /// <param name="compression">The codec, usually from the member name.</param>
    /// <param name="limits">Bomb limits; <see cref="DecompressionLimits.Default"/> when null.</param>
    /// <param name="sourceName">File name for messages.</param>
    /// <param name="memberName">Member name for messages.</param>
    /// <param name="leaveOpen">True to leave <paramref name="compressed"/> open on dispose.</param>
    /// <param name="xz">Threads and memory of the xz decoder; <see cref="XzDecodingOptions.Default"/> when null.</param>
    public static Stream Open(Stream compressed, DebCompression compression, DecompressionLimits? limits = null, string? sourceName = null, string? memberName = null, bool leaveOpen = false, XzDecodingOptions? xz = null) =>
        Open(compressed, compression, limits, sourceName ?? "<stream>", memberName ?? "<data>", leaveOpen, xz, DebErrorCodes.CorruptCompressedData);

    /// <summary>
    /// Opens a decompressing stream whose corrupt data is reported with <paramref name="corruptDataCode"/>;
    /// <paramref name="memberName"/> null for a whole file (an index) rather than a .deb member.
    /// </summary>
    internal static Stream Open(Stream compressed, DebCompression compression, DecompressionLimits? limits, string source, string? memberName, bool leaveOpen, XzDecodingOptions? xz, string corruptDataCode)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        xz ??= XzDecodingOptions.Default;
        var counting = new CountingReadStream(compressed, leaveOpen);
        string where = memberName is null ? string.Empty : $" of member '{memberName}'";
        Stream decoder;
        try
        {
            decoder = compression switch
            {
                DebCompression.None => counting,
                DebCompression.Gzip => new GZipStream(counting, CompressionMode.Decompress),
                DebCompression.Xz => LibLzma.IsAvailable
                    ? LzmaNativeStream.CreateDecoder(counting, leaveOpen: false, alone: false, xz.Threads, (ulong)xz.ThreadingMemoryLimit)
                    : new XZStream(counting),
                DebCompression.Lzma => LibLzma.IsAvailable
                    ? LzmaNativeStream.CreateDecoder(counting, leaveOpen: false, alone: true, 1, 0)
                    : OpenManagedLzmaAlone(counting),
                DebCompression.Zstd => new ZstdSharp.DecompressionStream(counting, leaveOpen: false),
                DebCompression.Bzip2 => BZip2Stream.Create(counting, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true),
                DebCompression.Lz4 => K4os.Compression.LZ4.Streams.LZ4Stream.Decode(counting, leaveOpen: false),
                _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
            };
        }
        catch (Exception ex) when (ex is not AptOstreeException and not ArgumentException and not OutOfMemoryException)
        {
            throw new InvalidFormatException(
                corruptDataCode,
                $"{source}: cannot start {DebCompressionNames.GetName(compression)} decompression{where}: {ex.Message}",
                ex,
                source,
                memberName);
        }

        return new DecompressionGuardStream(decoder, () => counting.BytesRead, compression, limits ?? DecompressionLimits.Default, source, memberName, corruptDataCode);
    }

    /// <summary>
    /// Opens the parallel block decoder over a seekable xz member when it can help: liblzma is available, more than
    /// one thread is allowed and the member has more than one block. Null otherwise (the caller streams instead).
    /// </summary>
    internal static Stream? TryOpenParallelXz(RandomAccessSource compressed, DecompressionLimits? limits, string sourceName, string memberName, XzDecodingOptions? xz = null)
    {
        xz ??= XzDecodingOptions.Default;
        if (!LibLzma.IsAvailable || xz.Threads < 2)
        {
            return null;
        }

        List<XzBlock>? blocks;
        try
        {
            blocks = XzIndexReader.Read(compressed);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidFormatException(
                DebErrorCodes.CorruptCompressedData,
                $"{sourceName}: corrupt xz data in member '{memberName}': {ex.Message}",
                ex,
                sourceName,
                memberName);
        }

        if (blocks is null || blocks.Count < 2)
        {
            return null;
        }

        var decoder = new ParallelXzDecoderStream(compressed, blocks, xz.Threads, xz.ParallelReadAheadLimit);
        return new DecompressionGuardStream(decoder, () => decoder.CompressedPosition, DebCompression.Xz, limits ?? DecompressionLimits.Default, sourceName, memberName, DebErrorCodes.CorruptCompressedData);
    }

    private static LzmaStream OpenManagedLzmaAlone(Stream input)
    {
        Span<byte> header = stackalloc byte[13];
        input.ReadExactly(header);
        var properties = header[..5].ToArray();
        var size = BitConverter.ToInt64(header[5..]);
        return LzmaStream.Create(properties, input, -1, size, null, false);
    }
}
