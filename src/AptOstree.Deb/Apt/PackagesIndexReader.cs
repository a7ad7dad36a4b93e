using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Apt;

/// <summary>Reads <c>Packages</c> indexes (and dpkg status files) into <see cref="UniversePackage"/> records.</summary>
public static class PackagesIndexReader
{
    /// <summary>Streams the stanzas of a decoded Packages index.</summary>
    /// <param name="stream">The uncompressed index.</param>
    /// <param name="origin">The Release the index belongs to.</param>
    /// <param name="sourceName">File name used in messages.</param>
    /// <param name="pin">Pin priority of the index's versions.</param>
    /// <exception cref="InvalidFormatException">A stanza is malformed or lacks Package/Version/Architecture.</exception>
    public static IEnumerable<UniversePackage> Read(Stream stream, PackageOrigin? origin, string sourceName, int pin = 500)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new Deb822Reader(stream, Deb822ReaderOptions.Default, sourceName, leaveOpen: true);
        Deb822Paragraph? paragraph;
        while ((paragraph = ReadNext(reader, sourceName)) is not null)
        {
            yield return FromParagraph(paragraph, origin, sourceName, pin);
        }
    }

    /// <summary>
    /// Reads an index file, decoding .lz4/.xz/.gz/.zst by extension. Uses the byte-level scanner (only the solver's
    /// fields, large indexes in parallel parts); the records equal those of <see cref="Read"/>.
    /// </summary>
    public static List<UniversePackage> ReadFile(string path, PackageOrigin? origin, int pin = 500)
    {
        ArgumentNullException.ThrowIfNull(path);
        var decoded = IndexCompressionFormats.ReadAllDecodedMemory(path, IndexCompressionFormats.FromFileName(path));
        return PackageStanzaScanner.ReadAll(decoded, origin, path, pin);
    }

    /// <summary>Converts one stanza.</summary>
    public static UniversePackage FromParagraph(Deb822Paragraph paragraph, PackageOrigin? origin, string sourceName, int pin = 500)
    {
        ArgumentNullException.ThrowIfNull(paragraph);
        string Required(string field) => paragraph.GetValue(field) is { Length: > 0 } v
            ? v.Trim()
            : throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{sourceName}: the stanza at line {paragraph.LineNumber} has no {field} field.", null, sourceName, $"line {paragraph.LineNumber}");

        string name = Required("Package").ToLowerInvariant();
        string version = Required("Version");
        if (!DebianVersion.TryParse(version, out _))
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{sourceName}: package {name} at line {paragraph.LineNumber} has an invalid Version '{version}'.", null, sourceName, $"line {paragraph.LineNumber}");
        }

        string? source = paragraph.GetValue("Source")?.Trim();
        if (source is not null && source.IndexOf(' ', StringComparison.Ordinal) is int sp and > 0)
        {
            source = source[..sp];
        }

        return new UniversePackage
        {
            Name = name,
            Version = version,
            Architecture = Required("Architecture"),
            MultiArch = paragraph.GetValue("Multi-Arch")?.Trim() switch
            {
                "same" => MultiArchKind.Same,
                "foreign" => MultiArchKind.Foreign,
                "allowed" => MultiArchKind.Allowed,
                _ => MultiArchKind.None,
            },
            Essential = IsYes(paragraph.GetValue("Essential")),
            Protected = IsYes(paragraph.GetValue("Protected")) || IsYes(paragraph.GetValue("Important")),
            Priority = paragraph.GetValue("Priority")?.Trim() switch
            {
                "required" => PackagePriority.Required,
                "important" => PackagePriority.Important,
                "standard" => PackagePriority.Standard,
                "extra" => PackagePriority.Extra,
                _ => PackagePriority.Optional,
            },
            Section = paragraph.GetValue("Section")?.Trim(),
            Source = source ?? name,
            Size = ParseLong(paragraph.GetValue("Size")),
            InstalledSize = ParseLong(paragraph.GetValue("Installed-Size")),
            Filename = paragraph.GetValue("Filename")?.Trim(),
            Sha256 = paragraph.GetValue("SHA256")?.Trim(),
            Sha512 = paragraph.GetValue("SHA512")?.Trim(),
            Sha1 = paragraph.GetValue("SHA1")?.Trim(),
            Md5Sum = paragraph.GetValue("MD5sum")?.Trim(),
            Depends = Folded(paragraph, "Depends"),
            PreDepends = Folded(paragraph, "Pre-Depends"),
            Recommends = Folded(paragraph, "Recommends"),
            Suggests = Folded(paragraph, "Suggests"),
            Conflicts = Folded(paragraph, "Conflicts"),
            Breaks = Folded(paragraph, "Breaks"),
            Replaces = Folded(paragraph, "Replaces"),
            Provides = Folded(paragraph, "Provides"),
            Origin = origin,
            Pin = pin,
        };
    }

    internal static Deb822Paragraph? ReadNext(Deb822Reader reader, string sourceName)
    {
        try
        {
            return reader.Read();
        }
        catch (InvalidFormatException ex) when (ex.ErrorCode != AptErrorCodes.InvalidIndexStanza)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{sourceName}: malformed stanza: {ex.Message}", ex, sourceName, ex.Location);
        }
    }

    private static string? Folded(Deb822Paragraph paragraph, string field) =>
        paragraph.GetValue(field) is { } v ? (v.Contains('\n') ? string.Join(' ', v.Split('\n', StringSplitOptions.TrimEntries)) : v.Trim()) : null;

    private static bool IsYes(string? value) => value is not null && value.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase);

    private static long ParseLong(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : 0;
}
