using System.Text;
using AptOstree.OSTree;

namespace AptOstree.Compose;

/// <summary>
/// The treefile's <c>units</c> and <c>default-target</c>. A unit is enabled as <c>systemctl enable</c> does it, from
/// its <c>[Install]</c> section: a link in <c>/etc/systemd/system/T.wants/</c> for each <c>WantedBy=T</c> (and
/// <c>.requires/</c>, <c>.upholds/</c> for <c>RequiredBy=</c>, <c>UpheldBy=</c>), a link per <c>Alias=</c>, the
/// units of <c>Also=</c> enabled too, a template enabled with its <c>DefaultInstance=</c>; a unit without an
/// <c>[Install]</c> section goes into <c>multi-user.target.wants</c> as rpm-ostree does. The default target is the
/// <c>/usr/lib/systemd/system/default.target</c> link (in <c>/usr</c>, as rpm-ostree writes it, so
/// <c>systemctl preset-all</c> on first boot keeps it); an <c>/etc/systemd/system/default.target</c> that would
/// override it is removed.
/// </summary>
internal sealed class SystemdUnits
{
    private const string EtcUnits = "etc/systemd/system";
    private const string UsrUnits = "usr/lib/systemd/system";

    private readonly OstreeRepository _repository;
    private readonly MutableTree _root;
    private readonly string _where;

    /// <summary>Works on <paramref name="root"/>, a configured tree whose <c>/etc</c> has not moved yet.</summary>
    public SystemdUnits(OstreeRepository repository, MutableTree root, string? treefileName = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(root);
        _repository = repository;
        _root = root;
        _where = treefileName ?? "treefile";
    }

    /// <summary>Enables <paramref name="units"/>.</summary>
    /// <exception cref="AptOstreeException">A unit name is invalid or the tree has no such unit file (<see cref="ComposeErrorCodes.InvalidTreefile"/>).</exception>
    public void Enable(IEnumerable<string> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            Enable(unit, "units", done);
        }
    }

    /// <summary>Makes <paramref name="target"/> the default target.</summary>
    /// <exception cref="AptOstreeException">Not a <c>.target</c> name, or no such unit in the tree (<see cref="ComposeErrorCodes.InvalidTreefile"/>).</exception>
    public void SetDefaultTarget(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.EndsWith(".target", StringComparison.Ordinal) || target.Contains('/', StringComparison.Ordinal) || target == "default.target")
        {
            throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{_where}: field 'default-target': '{target}' is not a target unit name (NAME.target).");
        }

        if (Find(target) is null)
        {
            throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{_where}: field 'default-target': the tree has no unit {target} (in /{EtcUnits} or /{UsrUnits}).");
        }

        TreePaths.Directory(_repository, _root, EtcUnits, create: false)?.Remove("default.target");
        var dir = TreePaths.Directory(_repository, _root, UsrUnits, create: true)!;
        dir.SetFile("default.target", _repository.WriteContent(FileHeader.ForSymlink(0, 0, target), null, 0));
    }

    private void Enable(string unit, string field, HashSet<string> done)
    {
        if (!done.Add(unit))
        {
            return;
        }

        if (unit.Contains('/', StringComparison.Ordinal) || unit.LastIndexOf('.') <= 0)
        {
            throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{_where}: field '{field}': '{unit}' is not a unit name (NAME.service, NAME.timer, …).");
        }

        int at = unit.IndexOf('@', StringComparison.Ordinal);
        string suffix = unit[unit.LastIndexOf('.')..];
        string fileName = at > 0 ? unit[..(at + 1)] + suffix : unit;
        string instance = at > 0 ? unit[(at + 1)..^suffix.Length] : string.Empty;
        if ((Find(unit) ?? (at > 0 ? Find(fileName) : null)) is not { } found)
        {
            throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{_where}: field '{field}': the tree has no unit file {unit} (in /{EtcUnits} or /{UsrUnits}).");
        }

        var install = ParseInstall(found.Text);
        if (at > 0 && instance.Length == 0)
        {
            // A template: systemctl enables it with its default instance, or not at all.
            if (install.GetValueOrDefault("DefaultInstance") is not [var defaultInstance, ..])
            {
                throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{_where}: field '{field}': {unit} is a template without DefaultInstance=; name an instance ({unit[..(at + 1)]}NAME{suffix}).");
            }

            instance = defaultInstance;
        }

        string linkName = at > 0 ? unit[..(at + 1)] + instance + suffix : unit;
        string linkTarget = "/" + found.Path;
        bool any = false;
        foreach (var (key, kind) in new[] { ("WantedBy", ".wants"), ("RequiredBy", ".requires"), ("UpheldBy", ".upholds") })
        {
            foreach (var target in install.GetValueOrDefault(key) ?? [])
            {
                Link($"{EtcUnits}/{target}{kind}", linkName, linkTarget);
                any = true;
            }
        }

        foreach (var alias in install.GetValueOrDefault("Alias") ?? [])
        {
            Link(EtcUnits, alias, linkTarget);
            any = true;
        }

        foreach (var also in install.GetValueOrDefault("Also") ?? [])
        {
            Enable(also, field, done);
            any = true;
        }

        if (!any)
        {
            Link($"{EtcUnits}/multi-user.target.wants", linkName, linkTarget);
        }
    }

    private void Link(string directory, string name, string target)
    {
        var dir = TreePaths.Directory(_repository, _root, directory, create: true)!;
        if (!dir.Files.ContainsKey(name) && !dir.Directories.ContainsKey(name))
        {
            dir.SetFile(name, _repository.WriteContent(FileHeader.ForSymlink(0, 0, target), null, 0));
        }
    }

    /// <summary>The unit file (symlinks followed) in /etc or /usr, with its path in the tree and its text.</summary>
    private (string Path, string Text)? Find(string unit)
    {
        foreach (var dir in new[] { EtcUnits, UsrUnits })
        {
            if (TreePaths.Resolve(_repository, _root, dir + "/" + unit, followLast: true, create: false) is { } r
                && r.Parent.Files.TryGetValue(r.Name, out var checksum) && _repository.Objects.ReadContentHeader(checksum).IsRegularFile)
            {
                using var content = _repository.Objects.OpenContent(checksum);
                using var reader = new StreamReader(content.Content, Encoding.UTF8);
                return (dir + "/" + unit, reader.ReadToEnd());
            }
        }

        return null;
    }

    /// <summary>The <c>[Install]</c> keys: values split on whitespace, repeated keys concatenated, an empty value resetting the list.</summary>
    internal static Dictionary<string, List<string>> ParseInstall(string text)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        bool inInstall = false;
        foreach (var raw in text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                inInstall = line == "[Install]";
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (!inInstall || eq <= 0)
            {
                continue;
            }

            string key = line[..eq].Trim();
            var values = line[(eq + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (values.Length == 0)
            {
                result.Remove(key);
                continue;
            }

            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.AddRange(values);
        }

        return result;
    }
}
