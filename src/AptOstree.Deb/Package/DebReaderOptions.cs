
namespace AptOstree.Deb;

/// <summary>Options for reading .deb files.</summary>
public sealed record DebReaderOptions
{
    /// <summary>The defaults.</summary>
    public static DebReaderOptions Default { get; } = new();

    /// <summary>Decompression-bomb limits applied to the data member.</summary>
    public DecompressionLimits Limits { get; init; } = DecompressionLimits.Default;

    /// <summary>Most bytes the decompressed control member may hold (it is read into memory). Default 256 MiB.</summary>
    public long MaxControlSize { get; init; } = 256L * 1024 * 1024;

    /// <summary>Threads and memory of the xz decoders (data members compressed with xz).</summary>
    public XzDecodingOptions Xz { get; init; } = XzDecodingOptions.Default;
}
