using System.Text;

namespace AptOstree.OSTree;

/// <summary>
/// A GLib keyfile (<c>[group]</c> headers, <c>key=value</c> lines, <c>#</c> comments): a repository's <c>config</c>,
/// a deployment's <c>.origin</c>, the sysroot's staged-deployment state. It reads and writes the bytes GLib does when
/// libostree loads such a file (<c>G_KEY_FILE_NONE</c>) and writes it back: comments and blank lines are dropped, a
/// repeated <c>[group]</c> continues the first one, repeated keys are all kept (the last one is the value, and the one
/// removing the key removes), group and key order is file order, and groups are written separated by one blank line.
/// </summary>
public sealed class KeyFile
{
    private readonly List<Group> _groups = [];

    /// <summary>Creates an empty keyfile.</summary>
    public KeyFile()
    {
        SourceName = "keyfile";
    }

    private KeyFile(string sourceName)
    {
        SourceName = sourceName;
    }

    /// <summary>Names the file in error messages.</summary>
    public string SourceName { get; }

    /// <summary>Group names in file order.</summary>
    public IEnumerable<string> Groups => _groups.Select(g => g.Name);

    /// <summary>Parses keyfile text as <c>g_key_file_load_from_data</c> does.</summary>
    /// <param name="text">The file content.</param>
    /// <param name="sourceName">Names the file in error messages.</param>
    /// <exception cref="InvalidFormatException">A line is neither a comment, a group header nor <c>key=value</c>, a
    /// group or key name is invalid, or a key precedes every group (<see cref="OstreeErrorCodes.InvalidKeyFile"/>).</exception>
    public static KeyFile Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var file = new KeyFile(sourceName);
        Group? current = null;
        int lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            string trimmed = line.TrimStart(AsciiSpace);
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            if (trimmed[0] == '[')
            {
                int close = trimmed.IndexOf(']', StringComparison.Ordinal);
                string name = close < 0 ? string.Empty : trimmed[1..close];
                if (close < 0 || trimmed[(close + 1)..].Trim(' ', '\t').Length != 0 || !IsGroupName(name))
                {
                    throw file.Invalid(lineNumber, $"malformed group header '{line}'");
                }

                current = file.GetOrAddGroup(name);
                continue;
            }

            int eq = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw file.Invalid(lineNumber, $"'{line}' is not a key-value pair, group header or comment");
            }

            string key = trimmed[..eq].TrimEnd(AsciiSpace);
            if (key.Length == 0)
            {
                throw file.Invalid(lineNumber, $"'{line}' has an empty key");
            }

            if (current is null)
            {
                throw file.Invalid(lineNumber, $"key '{key}' appears before any [group]");
            }

            current.Entries.Add(new(key, trimmed[(eq + 1)..].TrimStart(AsciiSpace)));
        }

        return file;
    }

    /// <summary>True when the group exists.</summary>
    public bool HasGroup(string group) => Find(group) is not null;

    /// <summary>Keys of a group in file order, once each (empty when the group is absent).</summary>
    public IReadOnlyList<string> GetKeys(string group) =>
        Find(group)?.Entries.Select(e => e.Key).Distinct(StringComparer.Ordinal).ToList() ?? [];

    /// <summary>The value of <paramref name="key"/> in <paramref name="group"/> as written (the last one), or null.</summary>
    public string? Get(string group, string key)
    {
        var entries = Find(group)?.Entries;
        if (entries is null)
        {
            return null;
        }

        for (int i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i].Key == key)
            {
                return entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The value of <paramref name="key"/> with GLib's string escapes undone (<c>g_key_file_get_string</c>), or null.</summary>
    public string? GetString(string group, string key) => Get(group, key) is { } raw ? GKeyFileValue.Unescape(raw) : null;

    /// <summary>Sets a string value with GLib's escapes (<c>g_key_file_set_string</c>), adding the group and key if needed.</summary>
    public void SetString(string group, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Set(group, key, GKeyFileValue.Escape(value));
    }

    /// <summary>A boolean value as <c>g_key_file_get_boolean</c> reads it (<c>true</c>/<c>1</c>, <c>false</c>/<c>0</c>), or null when absent.</summary>
    /// <exception cref="InvalidFormatException">The value is not a boolean (<see cref="OstreeErrorCodes.InvalidKeyFile"/>).</exception>
    public bool? GetBoolean(string group, string key) => Get(group, key)?.TrimEnd(AsciiSpace) switch
    {
        null => null,
        "true" or "1" => true,
        "false" or "0" => false,
        var other => throw new InvalidFormatException(OstreeErrorCodes.InvalidKeyFile, $"{SourceName}: [{group}] {key}: '{other}' is not a boolean.", source: SourceName, location: $"[{group}] {key}"),
    };

    /// <summary>A boolean value, or <paramref name="defaultValue"/> when absent.</summary>
    /// <exception cref="InvalidFormatException">The value is not a boolean (<see cref="OstreeErrorCodes.InvalidKeyFile"/>).</exception>
    public bool GetBoolean(string group, string key, bool defaultValue) => GetBoolean(group, key) ?? defaultValue;

    /// <summary>The entries of a group in file order, repeated keys included (empty when the group is absent).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetEntries(string group) => Find(group)?.Entries ?? [];

    /// <summary>Sets a value verbatim (the last one of a repeated key), adding the group and key if needed.</summary>
    /// <exception cref="ArgumentException">The group or key name is not valid in a keyfile, or the value spans lines.</exception>
    public void Set(string group, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsGroupName(group))
        {
            throw new ArgumentException($"'{group}' is not a keyfile group name.", nameof(group));
        }

        if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\n', StringComparison.Ordinal)
            || key.Trim(AsciiSpace).Length != key.Length)
        {
            throw new ArgumentException($"'{key}' is not a keyfile key.", nameof(key));
        }

        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("A keyfile value cannot contain a line break; use SetString to escape it.", nameof(value));
        }

        var entries = GetOrAddGroup(group).Entries;
        int i = entries.FindLastIndex(kv => kv.Key == key);
        if (i >= 0)
        {
            entries[i] = new(key, value);
        }
        else
        {
            entries.Add(new(key, value));
        }
    }

    /// <summary>
    /// Removes the value of <paramref name="key"/> in <paramref name="group"/> as <c>g_key_file_remove_key</c> does:
    /// only the last copy of a repeated key (the one that is the value) goes, so an earlier copy becomes the value;
    /// the group stays. True if there was one.
    /// </summary>
    public bool Remove(string group, string key)
    {
        var entries = Find(group)?.Entries;
        int last = entries?.FindLastIndex(kv => kv.Key == key) ?? -1;
        if (last < 0)
        {
            return false;
        }

        entries!.RemoveAt(last);
        return true;
    }

    /// <summary>Removes a whole group; true if it existed.</summary>
    public bool RemoveGroup(string group) => _groups.RemoveAll(g => g.Name == group) > 0;

    /// <summary>A deep copy.</summary>
    public KeyFile Clone()
    {
        var copy = new KeyFile(SourceName);
        foreach (var g in _groups)
        {
            copy._groups.Add(new Group(g.Name, [.. g.Entries]));
        }

        return copy;
    }

    /// <summary>The keyfile text as <c>g_key_file_to_data</c> writes it: groups separated by a blank line, each line ending in a newline.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var g in _groups)
        {
            if (sb.Length >= 2 && sb[^2] != '\n')
            {
                sb.Append('\n');
            }

            sb.Append('[').Append(g.Name).Append("]\n");
            foreach (var (k, v) in g.Entries)
            {
                sb.Append(k).Append('=').Append(v).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static readonly char[] AsciiSpace = [' ', '\t', '\n', '\r', '\f', '\v'];

    /// <summary>GLib's rule: not empty, no brackets, no control characters.</summary>
    private static bool IsGroupName(string? name) =>
        !string.IsNullOrEmpty(name) && !name.Any(c => c is '[' or ']' || char.IsControl(c));

    private Group? Find(string group) => _groups.Find(g => g.Name == group);

    private Group GetOrAddGroup(string group)
    {
        var g = Find(group);
        if (g is null)
        {
            g = new Group(group, []);
            _groups.Add(g);
        }

        return g;
    }

    private InvalidFormatException Invalid(int line, string what) =>
        new(OstreeErrorCodes.InvalidKeyFile, $"{SourceName}: line {line}: {what}.", null, SourceName, $"line {line}");

    private sealed record Group(string Name, List<KeyValuePair<string, string>> Entries);
}
