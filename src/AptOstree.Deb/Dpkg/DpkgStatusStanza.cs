using System.Text;

namespace AptOstree.Deb.Dpkg;

/// <summary>
/// Formats a package's stanza of dpkg's <c>status</c> database as dpkg writes it: dpkg's own fields in dpkg's order
/// (<c>Package</c>, <c>Essential</c>, <c>Protected</c>, <c>Status</c>, <c>Priority</c>, … <c>Conffiles</c>,
/// <c>Description</c>, <c>Triggers-Pending</c>, <c>Triggers-Awaited</c>), relationship fields re-spelled canonically,
/// <c>Essential: no</c> and <c>Multi-Arch: no</c> left out, archive-only fields (<c>Filename</c>, <c>Size</c>,
/// <c>MD5sum</c>) dropped, then every other field in the control file's order.
/// </summary>
public static class DpkgStatusStanza
{
    private static readonly string[] KnownOrder =
    [
        "Package", "Essential", "Protected", "Status", "Priority", "Section", "Installed-Size", "Origin", "Maintainer", "Bugs",
        "Architecture", "Multi-Arch", "Source", "Version", "Config-Version", "Replaces", "Provides", "Depends", "Pre-Depends",
        "Recommends", "Suggests", "Breaks", "Conflicts", "Enhances", "Conffiles", "Description", "Triggers-Pending", "Triggers-Awaited",
    ];

    private static readonly HashSet<string> Relationships = new(StringComparer.OrdinalIgnoreCase)
    {
        "Replaces", "Provides", "Depends", "Pre-Depends", "Recommends", "Suggests", "Breaks", "Conflicts", "Enhances",
    };

    // Fields dpkg parses but never writes into the status file.
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Filename", "Size", "MD5sum", "MSDOS-Filename", "Revision", "Package-Revision", "Package_Revision",
    };

    /// <summary>
    /// The stanza (ending with its blank separator line) for a package whose control file is <paramref name="control"/>.
    /// </summary>
    /// <param name="control">The package's control fields.</param>
    /// <param name="status">The Status value, e.g. <c>install ok unpacked</c>.</param>
    /// <param name="conffiles">Conffile lines: path, hash (<c>newconffile</c> right after unpack) and flags.</param>
    public static string Format(Deb822Paragraph control, string status, IEnumerable<DebConffile>? conffiles = null)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(status);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var extra = new List<(string Name, string Value)>();
        foreach (var field in control)
        {
            string name = field.Name switch
            {
                _ when field.Name.Equals("Recommended", StringComparison.OrdinalIgnoreCase) => "Recommends",
                _ when field.Name.Equals("Optional", StringComparison.OrdinalIgnoreCase) => "Suggests",
                _ when field.Name.Equals("Class", StringComparison.OrdinalIgnoreCase) => "Priority",
                _ => field.Name,
            };
            if (Dropped.Contains(name))
            {
                continue;
            }

            if (Array.Exists(KnownOrder, k => k.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                values[name] = field.Value;
            }
            else
            {
                extra.Add((field.Name, field.Value));
            }
        }

        values["Status"] = status;
        values.Remove("Conffiles");
        values.Remove("Config-Version");
        var conffileList = conffiles?.ToList() ?? [];
        if (conffileList.Count > 0)
        {
            var sb = new StringBuilder();
            foreach (var c in conffileList)
            {
                sb.Append("\n ").Append(c.Path);
                foreach (var flag in c.Flags)
                {
                    sb.Append(' ').Append(flag);
                }
            }

            values["Conffiles"] = sb.ToString();
        }

        var text = new StringBuilder();
        foreach (var name in KnownOrder)
        {
            if (!values.TryGetValue(name, out var value))
            {
                continue;
            }

            if (name is "Essential" or "Protected" && !value.Equals("yes", StringComparison.Ordinal))
            {
                continue;
            }

            if (name == "Multi-Arch" && value == "no")
            {
                continue;
            }

            if (Relationships.Contains(name))
            {
                value = CanonicalRelations(name, value);
                if (value.Length == 0)
                {
                    continue;
                }
            }

            Append(text, name, value);
        }

        foreach (var (name, value) in extra)
        {
            Append(text, name, value);
        }

        return text.Append('\n').ToString();
    }

    /// <summary>
    /// The conffile lines dpkg records right after unpacking a package (hash <c>newconffile</c>, plus the
    /// <c>remove-on-upgrade</c> flag when the control file has it).
    /// </summary>
    public static IReadOnlyList<DebConffile> NewConffiles(DebControlArchive control)
    {
        ArgumentNullException.ThrowIfNull(control);
        return control.Conffiles
            .Select(c => new DebConffile(c.Path, c.Flags.Contains("remove-on-upgrade") ? ["newconffile", "remove-on-upgrade"] : ["newconffile"]))
            .ToList();
    }

    private static void Append(StringBuilder text, string name, string value)
    {
        // dpkg writes "Name: value"; a value that starts on the next line (Conffiles) has nothing after the colon.
        text.Append(name).Append(':');
        if (!value.StartsWith('\n'))
        {
            text.Append(' ');
        }

        text.Append(value).Append('\n');
    }

    private static string CanonicalRelations(string field, string value) =>
        RelationSet.TryParse(value, out var set, RelationParseOptions.ForField(field)) ? set.ToString() : Deb822Values.Fold(value);
}
