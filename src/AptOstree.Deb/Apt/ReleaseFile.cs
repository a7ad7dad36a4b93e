using System.Globalization;
using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Apt;

/// <summary>One file listed in a Release file's <c>SHA256</c> section.</summary>
/// <param name="Path">Path relative to the Release file's directory.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
public sealed record ReleaseFileEntry(string Path, long Size, string Sha256);

/// <summary>A parsed (already verified) <c>Release</c> file: origin fields, dates and the SHA-256 file list.</summary>
public sealed class ReleaseFile
{
    private ReleaseFile(Deb822Paragraph paragraph, IReadOnlyDictionary<string, ReleaseFileEntry> files)
    {
        Paragraph = paragraph;
        Files = files;
    }

    /// <summary>All fields.</summary>
    public Deb822Paragraph Paragraph { get; }

    /// <summary>Files with their SHA-256, by relative path.</summary>
    public IReadOnlyDictionary<string, ReleaseFileEntry> Files { get; }

    /// <summary>Origin field.</summary>
    public string? Origin => Paragraph.GetValue("Origin")?.Trim();

    /// <summary>Label field.</summary>
    public string? Label => Paragraph.GetValue("Label")?.Trim();

    /// <summary>Suite field.</summary>
    public string? Suite => Paragraph.GetValue("Suite")?.Trim();

    /// <summary>Codename field.</summary>
    public string? Codename => Paragraph.GetValue("Codename")?.Trim();

    /// <summary>Version field.</summary>
    public string? Version => Paragraph.GetValue("Version")?.Trim();

    /// <summary>Date field.</summary>
    public DateTimeOffset? Date => ParseDate(Paragraph.GetValue("Date"), "Date");

    /// <summary>Valid-Until field.</summary>
    public DateTimeOffset? ValidUntil => ParseDate(Paragraph.GetValue("Valid-Until"), "Valid-Until");

    /// <summary><c>Acquire-By-Hash: yes</c>.</summary>
    public bool AcquireByHash => string.Equals(Paragraph.GetValue("Acquire-By-Hash")?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>NotAutomatic: yes</c> (default pin 1, or 100 with ButAutomaticUpgrades).</summary>
    public int DefaultPin =>
        !string.Equals(Paragraph.GetValue("NotAutomatic")?.Trim(), "yes", StringComparison.OrdinalIgnoreCase) ? 500
        : string.Equals(Paragraph.GetValue("ButAutomaticUpgrades")?.Trim(), "yes", StringComparison.OrdinalIgnoreCase) ? 100 : 1;

    /// <summary>Parses Release text (the signed content of InRelease, or a Release file).</summary>
    public static ReleaseFile Parse(string text, string sourceName = "Release")
    {
        ArgumentNullException.ThrowIfNull(text);
        Deb822Paragraph paragraph;
        try
        {
            var all = Deb822Reader.ParseAll(text, Deb822ReaderOptions.Default, sourceName);
            if (all.Count != 1)
            {
                throw new InvalidFormatException(AptErrorCodes.InvalidRelease, $"{sourceName} must contain exactly one stanza, found {all.Count}.", null, sourceName);
            }

            paragraph = all[0];
        }
        catch (InvalidFormatException ex) when (ex.ErrorCode != AptErrorCodes.InvalidRelease)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidRelease, $"{sourceName} is malformed: {ex.Message}", ex, sourceName);
        }

        var files = new Dictionary<string, ReleaseFileEntry>(StringComparer.Ordinal);
        if (paragraph.GetValue("SHA256") is { } list)
        {
            int line = 0;
            foreach (var raw in list.Split('\n'))
            {
                line++;
                var parts = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    continue;
                }

                if (parts.Length != 3 || parts[0].Length != 64 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size))
                {
                    throw new InvalidFormatException(AptErrorCodes.InvalidRelease, $"{sourceName}: SHA256 line {line} '{raw.Trim()}' is not '<sha256> <size> <path>'.", null, sourceName, "SHA256");
                }

                files[parts[2]] = new ReleaseFileEntry(parts[2], size, parts[0].ToLowerInvariant());
            }
        }

        return new ReleaseFile(paragraph, files);
    }

    /// <summary>Throws when the Release is dated in the future or past its Valid-Until at <paramref name="now"/>.</summary>
    public void EnsureFresh(DateTimeOffset now, string sourceName = "Release", TimeSpan? clockSkew = null)
    {
        var skew = clockSkew ?? TimeSpan.FromMinutes(10);
        if (ValidUntil is { } until && now > until)
        {
            throw new AptException(AptErrorCodes.ReleaseExpired, $"{sourceName} is no longer valid: Valid-Until {until:u} is before now ({now:u}).");
        }

        if (Date is { } date && date > now + skew)
        {
            throw new AptException(AptErrorCodes.ReleaseExpired, $"{sourceName} is dated in the future: Date {date:u}, now {now:u}.");
        }
    }

    /// <summary>The origin description of an index of <paramref name="component"/> under this Release.</summary>
    public PackageOrigin ToOrigin(string? component, string? baseUri) => new(Origin, Label, Suite, Codename, component, Version, baseUri);

    private static DateTimeOffset? ParseDate(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        string v = value.Trim().Replace(" UTC", " +0000", StringComparison.Ordinal).Replace(" GMT", " +0000", StringComparison.Ordinal).Replace(" Z", " +0000", StringComparison.Ordinal);
        string[] formats = ["ddd, dd MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm:ss zzz", "dd MMM yyyy HH:mm:ss zzz"];
        v = v.Replace("+0000", "+00:00", StringComparison.Ordinal);
        return DateTimeOffset.TryParseExact(v, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
            ? d
            : throw new InvalidFormatException(AptErrorCodes.InvalidRelease, $"Release field {field} '{value}' is not an RFC 2822 date.", null, null, field);
    }
}
