using System.Text;
using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// Turns a configured dpkg root (in memory) into the layout an OSTree deployment expects (reference compose.md
/// §B, §D, §E): logs, backups and caches removed, an empty <c>machine-id</c>, package-manager state relocated into
/// <c>/usr</c> with links from <c>/var</c>, everything under <c>/var</c> (and the per-system top-level directories
/// <c>home</c>, <c>root</c>, <c>opt</c>, <c>srv</c>, <c>mnt</c>, <c>media</c>, <c>usr/local</c>) turned into
/// systemd-tmpfiles lines with symlinks in their place, <c>/etc</c> moved to <c>/usr/etc</c>, and <c>/boot</c>,
/// <c>/dev</c>, <c>/proc</c>, <c>/sys</c>, <c>/run</c>, <c>/tmp</c> left empty.
/// </summary>
public sealed class OstreeLayout
{
    /// <summary>The generated tmpfiles.d file (relative to the root).</summary>
    public const string AutovarFile = "usr/lib/tmpfiles.d/aptostree-autovar.conf";

    /// <summary>Where relocated package-manager state lives (relative to the root).</summary>
    public const string StateDirectory = "usr/lib/aptostree/state";

    // Package-manager state in /var that must travel with the tree: the path and its name under StateDirectory.
    private static readonly (string Var, string State)[] RelocatedState =
    [
        ("var/lib/apt/extended_states", "apt/extended_states"),
        ("var/cache/debconf", "debconf"),
        ("var/lib/ucf", "ucf"),
        ("var/lib/systemd/deb-systemd-helper-enabled", "deb-systemd-helper-enabled"),
        ("var/lib/systemd/deb-systemd-helper-masked", "deb-systemd-helper-masked"),
    ];

    // Toplevel directories that hold per-machine data: moved under /var (their content becomes tmpfiles lines).
    private static readonly (string Path, string VarPath, string LinkTarget)[] Toplevel =
    [
        ("home", "var/home", "var/home"), ("root", "var/roothome", "var/roothome"), ("opt", "var/opt", "var/opt"),
        ("srv", "var/srv", "var/srv"), ("mnt", "var/mnt", "var/mnt"), ("usr/local", "var/usrlocal", "../var/usrlocal"),
    ];

    private static readonly string[] Cruft =
    [
        "etc/passwd-", "etc/group-", "etc/shadow-", "etc/gshadow-", "etc/subuid-", "etc/subgid-", "etc/apt/sources.list~", "etc/apt/trusted.gpg~",
        "etc/resolv.conf", "var/lib/dbus/machine-id", "var/cache/ldconfig/aux-cache",
        VarTmpfiles.DpkgDatabase + "/status-old", VarTmpfiles.DpkgDatabase + "/available-old", VarTmpfiles.DpkgDatabase + "/diversions-old",
        VarTmpfiles.DpkgDatabase + "/statoverride-old", VarTmpfiles.DpkgDatabase + "/lock", VarTmpfiles.DpkgDatabase + "/lock-frontend",
        "var/cache/debconf/config.dat-old", "var/cache/debconf/templates.dat-old", "var/cache/debconf/passwords.dat-old",
    ];

    private readonly OstreeRepository _repository;

    /// <summary>Creates the post-processor writing new objects into <paramref name="repository"/>.</summary>
    public OstreeLayout(OstreeRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        _repository = repository;
    }

    /// <summary>Applies the layout to <paramref name="root"/>.</summary>
    /// <param name="root">The configured tree.</param>
    /// <param name="packageTmpfiles">The packages' own /var lines (already in the per-package fragments).</param>
    /// <exception cref="AptOstreeException"><c>/usr/etc</c> already exists (<see cref="ComposeErrorCodes.PostprocessFailed"/>).</exception>
    public void Apply(MutableTree root, IReadOnlyList<string> packageTmpfiles)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(packageTmpfiles);
        foreach (var path in Cruft)
        {
            RemovePath(root, path);
        }

        foreach (var dir in new[] { "var/log", "var/cache/man", "var/cache/apt", "var/lib/apt/lists", "var/tmp", "tmp", "run", "dev", "proc", "sys", "boot" })
        {
            Clear(root, dir);
        }

        // An empty machine-id: systemd generates one at first boot (rpm-ostree machineid-compat, mmdebstrap).
        if (root.Directories.ContainsKey("etc"))
        {
            root.EnsureDirectory("etc").SetFile("machine-id", WriteText(string.Empty, PosixPermissions.File));
        }

        // The packages' own /var lines go into the one file systemd-tmpfiles reads at boot (their per-package
        // fragments stay in the package commits for layering), followed by what the scripts created.
        var lines = new List<string>(packageTmpfiles);
        foreach (var (varPath, state) in RelocatedState)
        {
            if (Detach(root, varPath) is { } node)
            {
                Attach(root, $"{StateDirectory}/{state}", node);
                lines.RemoveAll(l => PathOf(l) == "/" + varPath || PathOf(l).StartsWith("/" + varPath + "/", StringComparison.Ordinal));
                lines.Add(VarTmpfiles.Symlink(varPath, "/" + StateDirectory + "/" + state));
            }
        }

        foreach (var (path, varPath, linkTarget) in Toplevel)
        {
            if (Detach(root, path) is { } node)
            {
                Attach(root, varPath, node);
            }

            int slash = path.LastIndexOf('/');
            var parent = slash < 0 ? root : root.EnsureDirectory(path[..slash]);
            parent.SetFile(path[(slash + 1)..], _repository.WriteContent(FileHeader.ForSymlink(0, 0, linkTarget), null, 0));
        }

        Detach(root, "media");
        root.SetFile("media", _repository.WriteContent(FileHeader.ForSymlink(0, 0, "run/media"), null, 0));

        root.GetOrCreateDirectory("sysroot");
        root.SetFile("ostree", _repository.WriteContent(FileHeader.ForSymlink(0, 0, "sysroot/ostree"), null, 0));
        root.GetOrCreateDirectory("tmp").Meta = DirMeta.Create(0, 0, 0x3FF);

        // Everything left in /var becomes tmpfiles lines; the packages' lines come first, script-made state after.
        var covered = new HashSet<string>(packageTmpfiles.Select(PathOf), StringComparer.Ordinal);
        if (root.Directories.TryGetValue("var", out var varTree))
        {
            ConvertVar(varTree, "var", covered, lines, root);
            foreach (var name in varTree.Files.Keys.Concat(varTree.Directories.Keys).ToList())
            {
                varTree.Remove(name);
            }
        }
        else
        {
            root.GetOrCreateDirectory("var");
        }

        lines.Add("d /var/home 0755 0 0 - -");
        lines.Add("d /var/roothome 0700 0 0 - -");
        lines.Add("d /var/opt 0755 0 0 - -");
        lines.Add("d /var/srv 0755 0 0 - -");
        lines.Add("d /var/mnt 0755 0 0 - -");
        lines.Add("d /var/usrlocal 0755 0 0 - -");
        lines.Add("d /run/media 0755 0 0 - -");
        lines.Add(VarTmpfiles.Symlink("var/lib/dpkg", "../../" + VarTmpfiles.DpkgDatabase));
        var unique = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            unique.TryAdd(PathOf(line) + "\0" + line[0], line);
        }

        var text = new StringBuilder("# Generated by apt-ostree compose: /var and the per-machine directories as this tree shipped them.\n");
        foreach (var line in unique.Values)
        {
            text.Append(line).Append('\n');
        }

        root.EnsureDirectory("usr/lib/tmpfiles.d").SetFile("aptostree-autovar.conf", WriteText(text.ToString(), PosixPermissions.File));

        if (root.Directories.TryGetValue("usr", out var usr) && usr.Directories.ContainsKey("etc"))
        {
            throw new AptOstreeException(ComposeErrorCodes.PostprocessFailed, "/usr/etc already exists; the tree's /etc cannot be moved there (a package ships /usr/etc).");
        }

        if (Detach(root, "etc") is { } etc)
        {
            Attach(root, "usr/etc", etc);
        }
    }

    private void ConvertVar(MutableTree dir, string path, HashSet<string> covered, List<string> lines, MutableTree root)
    {
        foreach (var (name, sub) in dir.Directories.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string child = path + "/" + name;
            if (!covered.Contains("/" + child))
            {
                lines.Add(VarTmpfiles.Directory(child, sub.Meta.Mode, sub.Meta.Uid, sub.Meta.Gid));
            }

            ConvertVar(sub, child, covered, lines, root);
        }

        foreach (var (name, checksum) in dir.Files.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string child = path + "/" + name;
            if (covered.Contains("/" + child))
            {
                continue;
            }

            var header = _repository.Objects.ReadContentHeader(checksum);
            if (header.IsSymlink)
            {
                lines.Add(VarTmpfiles.Symlink(child, header.SymlinkTarget));
            }
            else
            {
                lines.Add(VarTmpfiles.Copy(child));
                Attach(root, VarTmpfiles.Factory + "/" + child, checksum);
            }
        }
    }

    private static string PathOf(string line)
    {
        var f = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return f.Length > 1 ? f[1] : line;
    }

    private static void RemovePath(MutableTree root, string path)
    {
        int slash = path.LastIndexOf('/');
        if (Find(root, slash < 0 ? string.Empty : path[..slash]) is { } parent)
        {
            parent.Remove(path[(slash + 1)..]);
        }
    }

    private static void Clear(MutableTree root, string path)
    {
        if (Find(root, path) is { } dir)
        {
            foreach (var name in dir.Files.Keys.Concat(dir.Directories.Keys).ToList())
            {
                dir.Remove(name);
            }
        }
    }

    internal static MutableTree? Find(MutableTree root, string path)
    {
        var current = root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!current.Directories.TryGetValue(part, out current!))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Removes a file or directory and returns it (a directory's subtree or a file's checksum).</summary>
    private static object? Detach(MutableTree root, string path)
    {
        int slash = path.LastIndexOf('/');
        if (Find(root, slash < 0 ? string.Empty : path[..slash]) is not { } parent)
        {
            return null;
        }

        string name = path[(slash + 1)..];
        object? node = parent.Directories.TryGetValue(name, out var dir) ? dir : parent.Files.TryGetValue(name, out var file) ? file : null;
        parent.Remove(name);
        return node;
    }

    private static void Attach(MutableTree root, string path, object node)
    {
        int slash = path.LastIndexOf('/');
        var parent = root.EnsureDirectory(path[..slash]);
        string name = path[(slash + 1)..];
        if (node is Checksum checksum)
        {
            parent.SetFile(name, checksum);
            return;
        }

        var source = (MutableTree)node;
        var target = parent.GetOrCreateDirectory(name);
        Graft(target, source);
    }

    private static void Graft(MutableTree target, MutableTree source)
    {
        target.Meta = source.Meta;
        foreach (var (name, checksum) in source.Files)
        {
            target.SetFile(name, checksum);
        }

        foreach (var (name, sub) in source.Directories)
        {
            Graft(target.GetOrCreateDirectory(name), sub);
        }
    }

    private Checksum WriteText(string text, uint mode)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes, writable: false);
        return _repository.WriteContent(FileHeader.ForFile(0, 0, mode), stream, bytes.Length);
    }
}
