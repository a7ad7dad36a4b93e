using System.Text;

namespace AptOstree.OSTree;

/// <summary>
/// A GLib keyfile (<c>[group]</c> / <c>key=value</c>), as used by a repository's <c>config</c>. Group and key
/// order are preserved so that rewriting a file libostree wrote changes only what was edited.
/// </summary>
public sealed class KeyFile
{
    private readonly List<(string Group, List<KeyValuePair<string, string>> Entries)> _groups = [];

    /// <summary>Group names in file order.</summary>
    public IEnumerable<string> Groups => _groups.Select(g => g.Group);

    /// <summary>Parses keyfile text; comments and blank lines are dropped.</summary>
    /// <exception cref="InvalidFormatException">A line is neither a group header nor <c>key=value</c>.</exception>
    public static KeyFile Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var file = new KeyFile();
        List<KeyValuePair<string, string>>? current = null;
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            string line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                string group = line[1..^1];
                current = file.GetOrAddGroup(group);
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || current is null)
            {
                throw new InvalidFormatException(OstreeErrorCodes.InvalidRepository, $"{sourceName}:{lineNo}: expected '[group]' or 'key=value', found '{line}'.", null, sourceName, $"line {lineNo}");
            }

            current.Add(new(line[..eq].Trim(), line[(eq + 1)..].Trim()));
        }

        return file;
    }

    /// <summary>The value of <paramref name="key"/> in <paramref name="group"/>, or null.</summary>
    public string? Get(string group, string key)
    {
        var g = _groups.FirstOrDefault(x => x.Group == group).Entries;
        if (g is null)
        {
            return null;
        }

        for (int i = g.Count - 1; i >= 0; i--)
        {
            if (g[i].Key == key)
            {
                return g[i].Value;
            }
        }

        return null;
    }

    /// <summary>The value of <paramref name="key"/> with GLib's string escapes undone (<c>g_key_file_get_string</c>), or null.</summary>
    public string? GetString(string group, string key) => Get(group, key) is { } raw ? GKeyFileValue.Unescape(raw) : null;

    /// <summary>Sets a string value with GLib's escapes (<c>g_key_file_set_string</c>), adding the group and key if needed.</summary>
    public void SetString(string group, string key, string value) => Set(group, key, GKeyFileValue.Escape(value));

    /// <summary>A boolean value (<c>true</c>/<c>false</c>, <c>1</c>/<c>0</c>), or <paramref name="defaultValue"/>.</summary>
    public bool GetBoolean(string group, string key, bool defaultValue) => Get(group, key)?.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => defaultValue,
    };

    /// <summary>All keys of a group.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetEntries(string group) =>
        _groups.FirstOrDefault(x => x.Group == group).Entries ?? [];

    /// <summary>Sets a value, adding the group and key if needed.</summary>
    public void Set(string group, string key, string value)
    {
        var g = GetOrAddGroup(group);
        int i = g.FindIndex(kv => kv.Key == key);
        if (i >= 0)
        {
            g[i] = new(key, value);
        }
        else
        {
            g.Add(new(key, value));
        }
    }

    /// <summary>Removes every value of <paramref name="key"/> in <paramref name="group"/>; true if there was one.</summary>
    public bool Remove(string group, string key) =>
        (_groups.FirstOrDefault(x => x.Group == group).Entries?.RemoveAll(kv => kv.Key == key) ?? 0) > 0;

    /// <summary>Removes a whole group; true if it existed.</summary>
    public bool RemoveGroup(string group) => _groups.RemoveAll(g => g.Group == group) > 0;

    /// <summary>The keyfile text (groups separated by a blank line, trailing newline).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _groups.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('\n');
            }

            sb.Append('[').Append(_groups[i].Group).Append("]\n");
            foreach (var (k, v) in _groups[i].Entries)
            {
                sb.Append(k).Append('=').Append(v).Append('\n');
            }
        }

        return sb.ToString();
    }

    private List<KeyValuePair<string, string>> GetOrAddGroup(string group)
    {
        var g = _groups.FirstOrDefault(x => x.Group == group).Entries;
        if (g is null)
        {
            g = [];
            _groups.Add((group, g));
        }

        return g;
    }
}
