using System.IO.Compression;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4.Streams;
using ZstdSharp;

namespace AptOstree.Deb.Apt;

/// <summary>Compression formats of repository index files, with APT's default cost order.</summary>
public enum IndexCompression
{
    /// <summary>Not compressed.</summary>
    None,

    /// <summary>LZ4 frame format (<c>.lz4</c>), as APT keeps lists with <c>Acquire::GzipIndexes</c>.</summary>
    Lz4,

    /// <summary>Zstandard (<c>.zst</c>).</summary>
    Zstd,

    /// <summary>gzip (<c>.gz</c>).</summary>
    Gzip,

    /// <summary>xz (<c>.xz</c>).</summary>
    Xz,
}

/// <summary>Opening compressed index files as plain streams.</summary>
public static class IndexCompressionFormats
{
    /// <summary>The order in which variants offered by a Release file are preferred (smallest download first).</summary>
    public static IReadOnlyList<IndexCompression> DownloadPreference { get; } =
        [IndexCompression.Xz, IndexCompression.Zstd, IndexCompression.Gzip, IndexCompression.Lz4, IndexCompression.None];

    /// <summary>The file-name extension of a format, including the dot (empty for <see cref="IndexCompression.None"/>).</summary>
    public static string Extension(IndexCompression compression) => compression switch
    {
        IndexCompression.Lz4 => ".lz4",
        IndexCompression.Zstd => ".zst",
        IndexCompression.Gzip => ".gz",
        IndexCompression.Xz => ".xz",
        _ => string.Empty,
    };

    /// <summary>The format implied by a file name's extension.</summary>
    public static IndexCompression FromFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (fileName.EndsWith(".lz4", StringComparison.Ordinal))
        {
            return IndexCompression.Lz4;
        }

        if (fileName.EndsWith(".zst", StringComparison.Ordinal))
        {
            return IndexCompression.Zstd;
        }

        if (fileName.EndsWith(".gz", StringComparison.Ordinal))
        {
            return IndexCompression.Gzip;
        }

        return fileName.EndsWith(".xz", StringComparison.Ordinal) ? IndexCompression.Xz : IndexCompression.None;
    }

    /// <summary>
    /// Wraps <paramref name="compressed"/> in a decoding stream (the wrapper owns it). Corrupt data surfaces while
    /// reading, as <see cref="InvalidFormatException"/> (<see cref="AptErrorCodes.InvalidCompression"/>).
    /// </summary>
    public static Stream OpenDecoded(Stream compressed, IndexCompression compression) =>
        Guarded(OpenDecodedUnguarded(compressed, compression), compression, "index");

    /// <summary>Opens an index file, decoding it according to its extension; corrupt data surfaces as <see cref="InvalidFormatException"/> naming the file.</summary>
    public static Stream OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var compression = FromFileName(path);
        return Guarded(OpenDecodedUnguarded(file, compression), compression, path);
    }

    private static Stream Guarded(Stream decoded, IndexCompression compression, string sourceName) =>
        compression == IndexCompression.None ? decoded : new DecodingFailureGuardStream(decoded, $"{sourceName}: cannot decode {compression} data");

    /// <summary>The decoder failures a corrupt compressed index can raise (never our own exceptions).</summary>
    internal static bool IsDecoderFailure(Exception ex) =>
        ex is not AptOstreeException and (InvalidDataException or IOException or InvalidOperationException or ArgumentException or ZstdException or IndexOutOfRangeException or NotSupportedException);

    private static Stream OpenDecodedUnguarded(Stream compressed, IndexCompression compression)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return compression switch
        {
            IndexCompression.Lz4 => LZ4Stream.Decode(compressed, leaveOpen: false),
            IndexCompression.Zstd => new DecompressionStream(compressed),
            IndexCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress),
            IndexCompression.Xz => DebDecompressor.Open(compressed, DebCompression.Xz, DecompressionLimits.Default, "index", "Packages.xz"),
            _ => compressed,
        };
    }

    /// <summary>Reads and decodes a whole index file into memory, turning decoder failures into <see cref="InvalidFormatException"/>.</summary>
    public static byte[] ReadAllDecoded(string path) => ReadAllDecoded(path, FromFileName(path));

    /// <summary>Reads and decodes a whole file whose format is given explicitly (e.g. a temporary download).</summary>
    public static byte[] ReadAllDecoded(string path, IndexCompression compression)
    {
        var decoded = ReadAllDecodedMemory(path, compression);
        return MemoryMarshal.TryGetArray(decoded, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : decoded.ToArray();
    }

    /// <summary>
    /// Like <see cref="ReadAllDecoded(string, IndexCompression)"/> without the final copy; .lz4 goes through the system
    /// liblz4 when it is there.
    /// </summary>
    internal static ReadOnlyMemory<byte> ReadAllDecodedMemory(string path, IndexCompression compression)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (compression == IndexCompression.None)
            {
                return File.ReadAllBytes(path);
            }

            if (compression == IndexCompression.Lz4 && LibLz4Frame.IsAvailable)
            {
                return LibLz4Frame.Decode(File.ReadAllBytes(path));
            }

            using var stream = OpenDecodedUnguarded(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), compression);
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidCompression, $"{path}: cannot decode {compression} data: {ex.Message}", ex, path);
        }
    }
}
