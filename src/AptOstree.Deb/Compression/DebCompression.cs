namespace AptOstree.Deb;

/// <summary>The compressions a .deb member may use; the member name suffix selects it.</summary>
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
}
