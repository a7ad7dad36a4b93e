namespace AptOstree.Deb;

/// <summary>Maps compressions to member-name suffixes and command-line names.</summary>
public static class DebCompressionNames
{
    /// <summary>The member-name suffix, e.g. <c>.xz</c>; empty for <see cref="DebCompression.None"/>.</summary>
    public static string GetSuffix(DebCompression compression) => compression switch
    {
        DebCompression.None => string.Empty,
        DebCompression.Gzip => ".gz",
        DebCompression.Xz => ".xz",
        DebCompression.Zstd => ".zst",
        DebCompression.Bzip2 => ".bz2",
        DebCompression.Lzma => ".lzma",
        DebCompression.Lz4 => ".lz4",
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };

    /// <summary>The name dpkg-deb's <c>-Z</c> option uses: none, gzip, xz, zstd, bzip2, lzma (and lz4, which dpkg-deb does not take).</summary>
    public static string GetName(DebCompression compression) => compression switch
    {
        DebCompression.None => "none",
        DebCompression.Gzip => "gzip",
        DebCompression.Xz => "xz",
        DebCompression.Zstd => "zstd",
        DebCompression.Bzip2 => "bzip2",
        DebCompression.Lzma => "lzma",
        DebCompression.Lz4 => "lz4",
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };

    /// <summary>Parses a dpkg-deb <c>-Z</c> style name (none, gzip, xz, zstd, bzip2, lzma).</summary>
    public static bool TryParseName(string? name, out DebCompression compression)
    {
        compression = name?.ToLowerInvariant() switch
        {
            "none" => DebCompression.None,
            "gzip" or "gz" => DebCompression.Gzip,
            "xz" => DebCompression.Xz,
            "zstd" or "zst" => DebCompression.Zstd,
            "bzip2" or "bz2" => DebCompression.Bzip2,
            "lzma" => DebCompression.Lzma,
            _ => (DebCompression)(-1),
        };
        return compression >= 0;
    }

    /// <summary>
    /// Splits a member name such as <c>data.tar.xz</c> into its base (<paramref name="baseName"/>, e.g.
    /// <c>data.tar</c>) and compression. False when the name has another base or an unknown suffix.
    /// </summary>
    public static bool TryParseMemberName(string memberName, string baseName, out DebCompression compression)
    {
        ArgumentNullException.ThrowIfNull(memberName);
        compression = DebCompression.None;
        if (!memberName.StartsWith(baseName, StringComparison.Ordinal))
        {
            return false;
        }

        var suffix = memberName[baseName.Length..];
        foreach (var candidate in Enum.GetValues<DebCompression>())
        {
            if (candidate != DebCompression.Lz4 && GetSuffix(candidate) == suffix)
            {
                compression = candidate;
                return true;
            }
        }

        return false;
    }

    /// <summary>The compression a file name's suffix names (<c>Packages.xz</c> → xz); <see cref="DebCompression.None"/> for any other name.</summary>
    public static DebCompression FromFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        foreach (var candidate in Enum.GetValues<DebCompression>())
        {
            if (candidate != DebCompression.None && fileName.EndsWith(GetSuffix(candidate), StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return DebCompression.None;
    }
}
