namespace AptOstree.Deb.Tests.Versioning;

/// <summary>One line of <c>TestData/version-vectors.tsv</c>.</summary>
public sealed record VersionVector(string Kind, string[] Fields, string Source, int LineNumber)
{
    public static IReadOnlyList<VersionVector> Load()
    {
        var path = Path.Combine(DpkgOracle.SourceDirectory(), "TestData", "version-vectors.tsv");
        var vectors = new List<VersionVector>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var f = line.Split('\t');
            var fields = f[1..^1].Select(Unescape).ToArray();
            vectors.Add(new VersionVector(f[0], fields, f[^1], lineNumber));
        }

        return vectors;
    }

    public override string ToString() => $"line {LineNumber}: {Kind} {string.Join(" | ", Fields)} ({Source})";

    private static string Unescape(string s)
    {
        if (s == "<empty>")
        {
            return "";
        }

        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
                sb.Append(s[i] switch { 's' => ' ', 't' => '\t', _ => s[i] });
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }
}
