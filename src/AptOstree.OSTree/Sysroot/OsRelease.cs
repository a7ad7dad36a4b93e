using AptOstree.Posix;

namespace AptOstree.OSTree.Sysroot;

/// <summary>Reads <c>os-release</c> (<c>KEY=value</c>, shell-style quoting) for boot entry titles.</summary>
internal static class OsRelease
{
    /// <summary>Values from <c>usr/lib/os-release</c>, else <c>etc/os-release</c>, of a tree; empty when neither exists.</summary>
    public static IReadOnlyDictionary<string, string> Read(IPosixFileSystem fs, string treeRoot)
    {
        foreach (var candidate in new[] { "usr/lib/os-release", "etc/os-release" })
        {
            string path = $"{treeRoot}/{candidate}";
            if (fs.TryGetStatus(path, out var st) && st.IsRegularFile)
            {
                using var reader = new StreamReader(fs.OpenRead(path));
                return Parse(reader.ReadToEnd());
            }
        }

        return new Dictionary<string, string>();
    }

    public static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.Trim();
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || eq <= 0)
            {
                continue;
            }

            string value = line[(eq + 1)..];
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            values[line[..eq]] = value;
        }

        return values;
    }
}
