
namespace AptOstree.Deb;

/// <summary>What an extraction produced.</summary>
public sealed record DebExtractResult
{
    /// <summary>Entries handled (all kinds, including the root <c>./</c>).</summary>
    public int Entries { get; init; }

    /// <summary>Regular files written.</summary>
    public int Files { get; init; }

    /// <summary>Directories created or updated.</summary>
    public int Directories { get; init; }

    /// <summary>Symbolic links created.</summary>
    public int SymbolicLinks { get; init; }

    /// <summary>Hard links created.</summary>
    public int HardLinks { get; init; }

    /// <summary>Device nodes and FIFOs created.</summary>
    public int SpecialFiles { get; init; }

    /// <summary>Bytes of file content written.</summary>
    public long Bytes { get; init; }

    /// <summary>
    /// Entries whose metadata could not be applied because the process is not root: device nodes that were not
    /// created, and entries owned by someone other than root:root whose ownership was not set.
    /// </summary>
    public IReadOnlyList<TarArchiveEntry> MetadataNotApplied { get; init; } = [];
}
