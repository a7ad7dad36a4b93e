using System.Globalization;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// ostree commit's <c>--statoverride=FILE</c> and <c>--skip-list=FILE</c> as a commit filter. A statoverride line is
/// <c>MODE PATH</c> (MODE, decimal, is OR-ed into the permissions: <c>+2048 /usr/bin/sudo</c> adds setuid) or
/// <c>=MODE PATH</c> (replaces the permissions); a skip-list line is a path to leave out. Paths are absolute inside the
/// committed tree. As in ostree, a MODE PATH or skip-list path that matched nothing fails the commit.
/// </summary>
internal sealed class CommitFilterFiles
{
    private readonly Dictionary<string, uint> _modeAdds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _modeOverrides = new(StringComparer.Ordinal);
    private readonly HashSet<string> _skip = new(StringComparer.Ordinal);

    public static CommitFilterFiles? Load(string? statOverrideFile, string? skipListFile)
    {
        if (statOverrideFile is null && skipListFile is null)
        {
            return null;
        }

        var filter = new CommitFilterFiles();
        foreach (string line in Lines(statOverrideFile))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Malformed statoverride file {statOverrideFile} (no space found): '{line}'.");
            }

            bool replace = line.StartsWith('=');
            string number = line[(replace ? 1 : 0)..space];
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double mode) || mode < 0 || mode > 0xFFFF)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Malformed statoverride file {statOverrideFile}: '{number}' is not a mode.");
            }

            (replace ? filter._modeOverrides : filter._modeAdds)[line[(space + 1)..]] = (uint)mode;
        }

        foreach (string line in Lines(skipListFile))
        {
            filter._skip.Add(line);
        }

        return filter;
    }

    public ImportEntry? Apply(ImportEntry entry)
    {
        if (_modeAdds.Remove(entry.Path, out uint add))
        {
            entry = entry with { Mode = entry.Mode | add };
        }
        else if (_modeOverrides.TryGetValue(entry.Path, out uint mode))
        {
            entry = entry with { Mode = (entry.Mode & 0xF000) | mode };
        }

        return _skip.Remove(entry.Path) ? null : entry;
    }

    /// <summary>Fails when a mode addition or skip-list path matched nothing (ostree does not check <c>=MODE</c> lines).</summary>
    public void EnsureAllMatched()
    {
        if (_modeAdds.Count > 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "Unmatched statoverride paths: " + string.Join(", ", _modeAdds.Keys.Order(StringComparer.Ordinal)));
        }

        if (_skip.Count > 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "Unmatched skip-list paths: " + string.Join(", ", _skip.Order(StringComparer.Ordinal)));
        }
    }

    private static IEnumerable<string> Lines(string? file) =>
        file is null ? [] : File.ReadAllText(file).Split('\n').Where(l => l.Length > 0);
}
