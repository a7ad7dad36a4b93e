using System.Text;

namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// A GLib keyfile (<c>[group]</c> headers, <c>key=value</c> lines, <c>#</c> comments) as used by OSTree
/// <c>.origin</c> files. Unknown groups, keys and comments survive a read–modify–write round trip, in order.
/// </summary>
internal sealed class OriginKeyFile
{
    private readonly List<Group> _groups = [new Group(null)];

    /// <summary>Names of the groups, in file order.</summary>
    public IReadOnlyList<string> GroupNames => _groups.Where(g => g.Name is not null).Select(g => g.Name!).ToList();

    /// <summary>Parses keyfile text.</summary>
    /// <param name="text">The file content.</param>
    /// <param name="sourceName">Names the file in error messages.</param>
    /// <exception cref="InvalidFormatException">A line is neither a comment, a group header nor <c>key=value</c>, or a key precedes every group.</exception>
    public static OriginKeyFile Parse(string text, string sourceName = "keyfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        var file = new OriginKeyFile();
        var current = file._groups[0];
        int lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.TrimEnd('\r');
            string trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                current.Lines.Add(new Line(null, line));
                continue;
            }

            if (trimmed[0] == '[')
            {
                int close = trimmed.IndexOf(']', StringComparison.Ordinal);
                if (close < 2 || trimmed[(close + 1)..].Trim().Length != 0)
                {
                    throw Invalid(sourceName, lineNumber, $"malformed group header '{line}'");
                }

                current = new Group(trimmed[1..close]);
                file._groups.Add(current);
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Invalid(sourceName, lineNumber, $"expected key=value, group header or comment, got '{line}'");
            }

            if (current.Name is null)
            {
                throw Invalid(sourceName, lineNumber, $"key '{line[..eq].Trim()}' appears before any [group]");
            }

            current.Lines.Add(new Line(line[..eq].Trim(), line[(eq + 1)..].TrimStart()));
        }

        // The final newline produces one empty trailing comment line; drop it so ToString round-trips.
        var last = file._groups[^1];
        if (last.Lines.Count > 0 && last.Lines[^1] is { Key: null, Value: "" })
        {
            last.Lines.RemoveAt(last.Lines.Count - 1);
        }

        return file;
    }

    /// <summary>True when the group exists.</summary>
    public bool HasGroup(string group) => Find(group) is not null;

    /// <summary>Keys of a group in file order (empty when the group is absent).</summary>
    public IReadOnlyList<string> GetKeys(string group) =>
        Find(group)?.Lines.Where(l => l.Key is not null).Select(l => l.Key!).ToList() ?? [];

    /// <summary>The unescaped string value (GLib escapes <c>\s \n \t \r \\</c>), or null when absent.</summary>
    public string? GetString(string group, string key)
    {
        var raw = GetRawValue(group, key);
        return raw is null ? null : GKeyFileValue.Unescape(raw);
    }

    /// <summary>The value exactly as written in the file, or null when absent.</summary>
    public string? GetRawValue(string group, string key) =>
        Find(group)?.Lines.LastOrDefault(l => l.Key == key)?.Value;

    /// <summary>A boolean value (<c>true</c>/<c>false</c>, also <c>1</c>/<c>0</c>), or null when absent.</summary>
    /// <exception cref="InvalidFormatException">The value is not a boolean.</exception>
    public bool? GetBoolean(string group, string key)
    {
        var value = GetRawValue(group, key)?.Trim();
        return value switch
        {
            null => null,
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new InvalidFormatException(DeploymentErrorCodes.InvalidKeyFile, $"Key '{key}' in group [{group}] is not a boolean: '{value}'.", location: $"[{group}] {key}"),
        };
    }

    /// <summary>Sets a string value, escaping it; the group is appended when missing.</summary>
    public void SetString(string group, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        SetRawValue(group, key, GKeyFileValue.Escape(value));
    }

    /// <summary>Sets a value verbatim; the group is appended when missing.</summary>
    public void SetRawValue(string group, string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.Contains('=', StringComparison.Ordinal) || key.Contains('\n', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Key '{key}' or its value contains '=' or a newline.", nameof(key));
        }

        var g = Find(group);
        if (g is null)
        {
            var previous = _groups[^1];
            if (previous.Lines.Count > 0 || previous.Name is not null)
            {
                if (previous.Lines.Count == 0 || previous.Lines[^1] is not { Key: null, Value: "" })
                {
                    previous.Lines.Add(new Line(null, string.Empty));
                }
            }

            g = new Group(group);
            _groups.Add(g);
        }

        int index = g.Lines.FindLastIndex(l => l.Key == key);
        if (index >= 0)
        {
            g.Lines[index] = new Line(key, value);
            return;
        }

        // Insert after the last key so trailing blank/comment lines stay between groups.
        int lastKey = g.Lines.FindLastIndex(l => l.Key is not null);
        g.Lines.Insert(lastKey + 1, new Line(key, value));
    }

    /// <summary>Removes a key; returns false when it was absent.</summary>
    public bool RemoveKey(string group, string key)
    {
        var g = Find(group);
        return g is not null && g.Lines.RemoveAll(l => l.Key == key) > 0;
    }

    /// <summary>Removes a whole group; returns false when it was absent.</summary>
    public bool RemoveGroup(string group)
    {
        int index = _groups.FindIndex(g => g.Name == group);
        if (index < 0)
        {
            return false;
        }

        _groups.RemoveAt(index);
        var previous = _groups[^1];
        while (index == _groups.Count && previous.Lines.Count > 0 && previous.Lines[^1] is { Key: null, Value: "" })
        {
            previous.Lines.RemoveAt(previous.Lines.Count - 1);
        }

        return true;
    }

    /// <summary>A deep copy.</summary>
    public OriginKeyFile Clone() => Parse(ToString());

    /// <summary>The keyfile text, each line ending in a newline.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var g in _groups)
        {
            if (g.Name is not null)
            {
                sb.Append('[').Append(g.Name).Append("]\n");
            }

            foreach (var l in g.Lines)
            {
                if (l.Key is not null)
                {
                    sb.Append(l.Key).Append('=');
                }

                sb.Append(l.Value).Append('\n');
            }
        }

        return sb.ToString();
    }

    private Group? Find(string group) => _groups.Find(g => g.Name == group);

    private static InvalidFormatException Invalid(string source, int line, string what) =>
        new(DeploymentErrorCodes.InvalidKeyFile, $"{source}: line {line}: {what}.", source: source, location: $"line {line}");

    private sealed record Line(string? Key, string Value);

    private sealed class Group(string? name)
    {
        public string? Name { get; } = name;

        public List<Line> Lines { get; } = [];
    }
}
