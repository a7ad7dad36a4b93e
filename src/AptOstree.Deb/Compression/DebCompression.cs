namespace AptOstree.Deb;

/// <summary>
/// The compressions of the SDK, one table for .deb members and APT's index files: the name suffix selects one
/// (<see cref="DebCompressionNames"/>), <see cref="DebDecompressor"/> decodes them all.
/// </summary>
public enum DebCompression
{
    /// <summary>Uncompressed (<c>data.tar</c>).</summary>
    None,

    /// <summary>gzip (<c>.gz</c>).</summary>
    Gzip,

    /// <summary>xz (<c>.xz</c>), the Debian default.</summary>
    Xz,

    /// <summary>Zstandard (<c>.zst</c>), the Ubuntu default since 21.10.</summary>
    Zstd,

    /// <summary>bzip2 (<c>.bz2</c>), data member only.</summary>
    Bzip2,

    /// <summary>Legacy lzma-alone (<c>.lzma</c>), data member only.</summary>
    Lzma,

    /// <summary>LZ4 frames (<c>.lz4</c>), as APT keeps its list files; not a .deb member compression (dpkg refuses it).</summary>
    Lz4,
}
