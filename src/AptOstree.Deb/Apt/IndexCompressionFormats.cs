using System.Runtime.InteropServices;

namespace AptOstree.Deb.Apt;

/// <summary>
/// APT's index files in the SDK's one codec table (<see cref="DebCompression"/>, decoded by
/// <see cref="DebDecompressor"/>): which variant of an index to download, and reading one as plain bytes. Corrupt
/// data surfaces as <see cref="InvalidFormatException"/> (<see cref="AptErrorCodes.InvalidCompression"/>) naming the file.
/// </summary>
public static class IndexCompressionFormats
{
    /// <summary>The order in which variants offered by a Release file are preferred (smallest download first).</summary>
    public static IReadOnlyList<DebCompression> DownloadPreference { get; } =
        [DebCompression.Xz, DebCompression.Zstd, DebCompression.Gzip, DebCompression.Bzip2, DebCompression.Lzma, DebCompression.Lz4, DebCompression.None];

    /// <summary>The file-name extension of a format, including the dot (empty for <see cref="DebCompression.None"/>).</summary>
    public static string Extension(DebCompression compression) => DebCompressionNames.GetSuffix(compression);

    /// <summary>The format implied by a file name's extension (<see cref="DebCompression.None"/> for a plain index).</summary>
    public static DebCompression FromFileName(string fileName) => DebCompressionNames.FromFileName(fileName);

    /// <summary>Wraps <paramref name="compressed"/> in a decoding stream (the wrapper owns it). Corrupt data surfaces while reading.</summary>
    public static Stream OpenDecoded(Stream compressed, DebCompression compression) => Decode(compressed, compression, "index");

    /// <summary>Opens an index file, decoding it according to its extension.</summary>
    public static Stream OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Decode(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), FromFileName(path), path);
    }

    /// <summary>Reads and decodes a whole index file into memory.</summary>
    public static byte[] ReadAllDecoded(string path) => ReadAllDecoded(path, FromFileName(path));

    /// <summary>Reads and decodes a whole file whose format is given explicitly (e.g. a temporary download).</summary>
    public static byte[] ReadAllDecoded(string path, DebCompression compression)
    {
        var decoded = ReadAllDecodedMemory(path, compression);
        return MemoryMarshal.TryGetArray(decoded, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : decoded.ToArray();
    }

    /// <summary>
    /// Like <see cref="ReadAllDecoded(string, DebCompression)"/> without the final copy; .lz4 goes through the system
    /// liblz4 when it is there.
    /// </summary>
    internal static ReadOnlyMemory<byte> ReadAllDecodedMemory(string path, DebCompression compression)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (compression == DebCompression.None)
        {
            return File.ReadAllBytes(path);
        }

        if (compression == DebCompression.Lz4 && LibLz4Frame.IsAvailable)
        {
            try
            {
                return LibLz4Frame.Decode(File.ReadAllBytes(path));
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidFormatException(AptErrorCodes.InvalidCompression, $"{path}: corrupt lz4 data: {ex.Message}", ex, path);
            }
        }

        using var stream = Decode(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), compression, path);
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static Stream Decode(Stream compressed, DebCompression compression, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return compression == DebCompression.None
            ? compressed
            : DebDecompressor.Open(compressed, compression, DecompressionLimits.Default, sourceName, memberName: null, leaveOpen: false, xz: null, AptErrorCodes.InvalidCompression);
    }
}
