using System.Text;

namespace AptOstree.Deb;

/// <summary>Helpers that interpret or format deb822 values.</summary>
public static class Deb822Values
{
    /// <summary>Collapses line breaks and the blanks around them to one space (folded-field semantics).</summary>
    public static string Fold(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IndexOf('\n') < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        foreach (var line in value.Split('\n'))
        {
            var t = line.Trim(' ', '\t', '\r');
            if (t.Length == 0)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(t);
        }

        return sb.ToString();
    }

    /// <summary>Splits a multiline value into its lines (continuation lines lose one leading space; <c>.</c> means empty).</summary>
    public static IReadOnlyList<string> SplitLines(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split('\n');
        var lines = new string[parts.Length];
        lines[0] = parts[0].TrimEnd('\r');
        for (var i = 1; i < parts.Length; i++)
        {
            var line = parts[i].TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                line = line[1..];
            }

            lines[i] = line == "." ? "" : line;
        }

        return lines;
    }

    /// <summary>
    /// Formats one field as deb822 text ending in a newline. Value lines after the first that already start with a
    /// space or tab are kept; others get one leading space; empty (or blank) lines become <c> .</c>. A value that
    /// starts with a newline is written with nothing after the colon, like <c>Description</c> in a Release file.
    /// </summary>
    /// <exception cref="Deb822FormatException">The name is not a valid field name (code <c>AO2302</c>).</exception>
    public static string FormatField(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!Deb822Parser.IsValidFieldName(name))
        {
            throw new Deb822FormatException(DebErrorCodes.Deb822InvalidFieldName, $"'{name}' is not a valid field name.", null, 0, name);
        }

        var sb = new StringBuilder(name.Length + value.Length + 8);
        sb.Append(name).Append(':');
        var lines = value.Split('\n');
        if (lines[0].Length > 0)
        {
            sb.Append(' ').Append(lines[0]);
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            sb.Append('\n');
            if (line.AsSpan().Trim(" \t\r").IsEmpty)
            {
                sb.Append(" .");
            }
            else if (line[0] == ' ' || line[0] == '\t')
            {
                sb.Append(line);
            }
            else
            {
                sb.Append(' ').Append(line);
            }
        }

        return sb.Append('\n').ToString();
    }
}
