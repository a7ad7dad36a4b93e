using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Dpkg;

/// <summary>
/// Reads a dpkg status database (<c>/var/lib/dpkg/status</c>) as the installed state of a root tree: every stanza
/// whose Status says the package's files are on disk (<c>installed</c>, <c>unpacked</c>, <c>half-configured</c>,
/// <c>half-installed</c>, <c>triggers-awaited</c>, <c>triggers-pending</c>).
/// </summary>
public static class DpkgStatusReader
{
    private static readonly HashSet<string> PresentStates = new(StringComparer.Ordinal)
    {
        "installed", "unpacked", "half-configured", "half-installed", "triggers-awaited", "triggers-pending",
    };

    /// <summary>Reads installed packages from a status stream.</summary>
    public static List<UniversePackage> Read(Stream stream, string sourceName = "status")
    {
        ArgumentNullException.ThrowIfNull(stream);
        var result = new List<UniversePackage>();
        using var reader = new Deb822Reader(stream, Deb822ReaderOptions.Default, sourceName, leaveOpen: true);
        Deb822Paragraph? paragraph;
        while ((paragraph = PackagesIndexReader.ReadNext(reader, sourceName)) is not null)
        {
            string? status = paragraph.GetValue("Status");
            if (status is null)
            {
                throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{sourceName}: the stanza at line {paragraph.LineNumber} has no Status field.", null, sourceName, $"line {paragraph.LineNumber}");
            }

            var words = status.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 3)
            {
                throw new InvalidFormatException(AptErrorCodes.InvalidIndexStanza, $"{sourceName}: Status '{status}' at line {paragraph.LineNumber} is not 'want flag state'.", null, sourceName, $"line {paragraph.LineNumber}");
            }

            if (!PresentStates.Contains(words[2]))
            {
                continue;
            }

            var p = PackagesIndexReader.FromParagraph(paragraph, PackageOrigin.LocalStatus, sourceName, pin: 100);
            result.Add(p with { IsInstalled = true, IsHeld = words[0] == "hold", Filename = null, Sha256 = null });
        }

        return result;
    }

    /// <summary>Reads the status file of a root tree (<c>ROOT/var/lib/dpkg/status</c>); a missing file means nothing is installed.</summary>
    public static List<UniversePackage> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }
}
