
namespace AptOstree.Deb.Apt;

/// <summary>Reads APT source entries: one-line <c>.list</c> files and deb822 <c>.sources</c> files.</summary>
public static class SourcesList
{
    /// <summary>Parses one-line format: <c>deb [arch=amd64 signed-by=/path] uri suite [component…]</c>; <c>#</c> starts a comment.</summary>
    public static List<AptSource> ParseOneLine(string text, string sourceName = "sources.list")
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<AptSource>();
        int lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine;
            int hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string location = $"{sourceName}:{lineNumber}";
            var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            int open = line.IndexOf('[');
            if (open >= 0)
            {
                int close = line.IndexOf(']', open);
                if (close < 0)
                {
                    throw Invalid(location, "'[' without ']'");
                }

                foreach (var option in line[(open + 1)..close].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    int eq = option.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw Invalid(location, $"option '{option}' is not key=value");
                    }

                    options[option[..eq]] = option[(eq + 1)..];
                }

                line = line[..open] + " " + line[(close + 1)..];
            }

            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3)
            {
                throw Invalid(location, "expected 'type uri suite [components]'");
            }

            if (words[0] is not "deb" and not "deb-src")
            {
                throw Invalid(location, $"unknown type '{words[0]}'");
            }

            var components = words.Skip(3).ToList();
            if (!words[2].EndsWith('/') && components.Count == 0)
            {
                throw Invalid(location, "a suite that is not a flat directory (ending in '/') needs at least one component");
            }

            result.Add(new AptSource(words[0], words[1], words[2], components, SplitList(options.GetValueOrDefault("arch")), options.GetValueOrDefault("signed-by"), location));
        }

        return result;
    }

    /// <summary>Parses deb822 format (<c>Types</c>, <c>URIs</c>, <c>Suites</c>, <c>Components</c>, <c>Architectures</c>, <c>Signed-By</c>, <c>Enabled</c>).</summary>
    public static List<AptSource> ParseDeb822(string text, string sourceName = "debian.sources")
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<Deb822Paragraph> stanzas;
        try
        {
            stanzas = Deb822Reader.ParseAll(text, Deb822ReaderOptions.ControlFile, sourceName);
        }
        catch (InvalidFormatException ex)
        {
            throw new InvalidFormatException(AptErrorCodes.InvalidSourceEntry, $"{sourceName} is malformed: {ex.Message}", ex, sourceName);
        }

        var result = new List<AptSource>();
        foreach (var stanza in stanzas)
        {
            string location = $"{sourceName}:{stanza.LineNumber}";
            if (string.Equals(stanza.GetValue("Enabled")?.Trim(), "no", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var types = SplitList(stanza.GetValue("Types"));
            var uris = SplitList(stanza.GetValue("URIs"));
            var suites = SplitList(stanza.GetValue("Suites"));
            var components = SplitList(stanza.GetValue("Components"));
            if (types.Count == 0 || uris.Count == 0 || suites.Count == 0)
            {
                throw Invalid(location, "Types, URIs and Suites are required");
            }

            string? signedBy = stanza.GetValue("Signed-By");
            if (signedBy is not null)
            {
                signedBy = signedBy.Contains("BEGIN PGP", StringComparison.Ordinal)
                    ? string.Join('\n', signedBy.Split('\n').Select(l => l.Trim() == "." ? string.Empty : l.Trim())).Trim()
                    : string.Join(',', SplitList(signedBy));
            }

            foreach (var type in types)
            {
                foreach (var uri in uris)
                {
                    foreach (var suite in suites)
                    {
                        if (!suite.EndsWith('/') && components.Count == 0)
                        {
                            throw Invalid(location, $"suite '{suite}' needs Components");
                        }

                        result.Add(new AptSource(type, uri, suite, components, SplitList(stanza.GetValue("Architectures")), signedBy, location));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Reads <c>sources.list</c> and every <c>*.list</c> / <c>*.sources</c> of <c>sources.list.d</c> under <paramref name="etcApt"/>.</summary>
    public static List<AptSource> LoadHost(string etcApt = "/etc/apt")
    {
        ArgumentNullException.ThrowIfNull(etcApt);
        var result = new List<AptSource>();
        string main = Path.Combine(etcApt, "sources.list");
        if (File.Exists(main))
        {
            result.AddRange(ParseOneLine(File.ReadAllText(main), main));
        }

        string dir = Path.Combine(etcApt, "sources.list.d");
        if (Directory.Exists(dir))
        {
            foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                if (file.EndsWith(".list", StringComparison.Ordinal))
                {
                    result.AddRange(ParseOneLine(File.ReadAllText(file), file));
                }
                else if (file.EndsWith(".sources", StringComparison.Ordinal))
                {
                    result.AddRange(ParseDeb822(File.ReadAllText(file), file));
                }
            }
        }

        return result;
    }

    private static List<string> SplitList(string? value) =>
        value is null ? [] : value.Split([' ', '\t', '\n', ','], StringSplitOptions.RemoveEmptyEntries).ToList();

    private static InvalidFormatException Invalid(string location, string what) =>
        new(AptErrorCodes.InvalidSourceEntry, $"{location}: {what}.", null, location);
}
