namespace AptOstree.Deb;

/// <summary>
/// Safety limits against decompression bombs. The ratio is only checked once more than
/// <see cref="RatioGracePeriodBytes"/> have come out, so small highly compressible members pass.
/// </summary>
public sealed record DecompressionLimits
{
    /// <summary>The defaults: at most 64 GiB out and a 1:2000 expansion ratio after the first 64 MiB.</summary>
    public static DecompressionLimits Default { get; } = new();

    /// <summary>No limits at all (trusted input only).</summary>
    public static DecompressionLimits None { get; } = new() { MaxDecompressedBytes = long.MaxValue, MaxExpansionRatio = double.PositiveInfinity };

    /// <summary>Most bytes one member may decompress to.</summary>
    public long MaxDecompressedBytes { get; init; } = 64L * 1024 * 1024 * 1024;

    /// <summary>Highest decompressed:compressed ratio allowed once past the grace period.</summary>
    public double MaxExpansionRatio { get; init; } = 2000;

    /// <summary>Output size below which the ratio is not checked.</summary>
    public long RatioGracePeriodBytes { get; init; } = 64L * 1024 * 1024;
}
