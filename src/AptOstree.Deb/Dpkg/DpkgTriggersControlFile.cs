namespace AptOstree.Deb.Dpkg;

/// <summary>The directive lines of a package's <c>triggers</c> control file (<c>KEYWORD ARGUMENT</c>; comments and blank lines skipped).</summary>
internal static class DpkgTriggersControlFile
{
    public static IEnumerable<(string Keyword, string Argument)> Directives(string? triggersFile)
    {
        foreach (var raw in (triggersFile ?? string.Empty).Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2)
            {
                yield return (parts[0], parts[1].Trim());
            }
        }
    }
}
