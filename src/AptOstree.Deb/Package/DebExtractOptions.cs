namespace AptOstree.Deb;

/// <summary>Options of <see cref="DebPackage.ExtractTo(string, DebExtractOptions?, IProgress{OperationProgress}?, CancellationToken)"/>.</summary>
public sealed record DebExtractOptions
{
    /// <summary>The defaults: behave like <c>dpkg-deb -x</c>.</summary>
    public static DebExtractOptions Default { get; } = new();

    /// <summary>
    /// Apply the archive's owners (by user/group name, falling back to the numeric ids, like GNU tar) when running
    /// as root. Default true; ignored (and recorded in the result) when not root.
    /// </summary>
    public bool PreserveOwnership { get; init; } = true;

    /// <summary>Apply pax <c>SCHILY.xattr.*</c> attributes (dpkg-deb -x does not). Default false.</summary>
    public bool ApplyExtendedAttributes { get; init; }

    /// <summary>
    /// Decompress on a background thread while files are written (bounded read-ahead). Default true.
    /// </summary>
    public bool ReadAhead { get; init; } = true;
}
