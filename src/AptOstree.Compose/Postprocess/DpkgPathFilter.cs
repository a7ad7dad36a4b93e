using System.Text;
using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// The treefile's <c>documentation: false</c> and <c>install-langs</c> as dpkg's path filters
/// (<c>--path-exclude</c>/<c>--path-include</c>, dpkg(1)): rules in order, the last matching rule decides, and a
/// directory (or symlink) an exclude matches is kept when an include's literal prefix names it, so
/// <c>/usr/share/doc/PKG/copyright</c> can stay. Applied to the assembled tree before configuration, so the files
/// never reach the scripts or the commit. Unlike dpkg, which keeps filtered paths in <c>info/PKG.list</c> and
/// <c>info/PKG.md5sums</c> (and <c>dpkg --verify</c> then reports them missing), the filtered paths are dropped from
/// both, so the database describes the tree. The rules are also written to <c>/etc/dpkg/dpkg.cfg.d/</c>, so dpkg
/// filters the same paths of packages installed later.
/// </summary>
internal sealed class DpkgPathFilter
{
    /// <summary>The dpkg configuration fragment holding the rules (relative to the root).</summary>
    public const string ConfigFile = "etc/dpkg/dpkg.cfg.d/aptostree-path-filters";

    private static readonly HashSet<string> MergedUsr = new(StringComparer.Ordinal) { "bin", "sbin", "lib", "lib32", "lib64", "libx32", "libo32" };

    private DpkgPathFilter(IReadOnlyList<DpkgPathRule> rules) => Rules = rules;

    /// <summary>The rules, in the order dpkg evaluates them.</summary>
    public IReadOnlyList<DpkgPathRule> Rules { get; }

    /// <summary>True when the filter changes nothing.</summary>
    public bool IsEmpty => Rules.Count == 0;

    /// <summary>The rules for <paramref name="treefile"/>: locales first, documentation last (so man-page translations follow <c>documentation</c>).</summary>
    public static DpkgPathFilter FromTreefile(Treefile treefile)
    {
        ArgumentNullException.ThrowIfNull(treefile);
        var rules = new List<DpkgPathRule>();
        if (treefile.InstallLangs.Count > 0)
        {
            rules.Add(new(false, "/usr/share/locale/*"));
            rules.Add(new(true, "/usr/share/locale/locale.alias"));

            // Translated manual pages live in /usr/share/man/LANG/; the sections (man1…) all start with "man".
            rules.Add(new(false, "/usr/share/man/[!m]*"));
            foreach (var lang in treefile.InstallLangs)
            {
                foreach (var dir in new[] { "/usr/share/locale/", "/usr/share/man/" })
                {
                    rules.Add(new(true, $"{dir}{lang}/*"));
                    rules.Add(new(true, $"{dir}{lang}_*/*"));
                    rules.Add(new(true, $"{dir}{lang}@*/*"));
                    rules.Add(new(true, $"{dir}{lang}.*/*"));

                    // de_DE also keeps the generic de catalogues (gettext falls back to them).
                    int cut = lang.IndexOfAny(['_', '@', '.']);
                    if (cut > 0)
                    {
                        rules.Add(new(true, $"{dir}{lang[..cut]}/*"));
                    }
                }
            }
        }

        if (!treefile.Documentation)
        {
            rules.Add(new(false, "/usr/share/doc/*"));

            // The copyright file is the package's licence notice: Debian requires it to ship with the binaries.
            rules.Add(new(true, "/usr/share/doc/*/copyright"));
            rules.Add(new(false, "/usr/share/man/*"));
            rules.Add(new(false, "/usr/share/info/*"));
        }

        return new DpkgPathFilter(rules);
    }

    /// <summary>
    /// The rules of a dpkg configuration fragment (<c>path-exclude=GLOB</c>, <c>path-include=GLOB</c> lines, in order;
    /// comments and other options ignored), such as the <see cref="ConfigFile"/> a compose wrote into its commit.
    /// </summary>
    public static DpkgPathFilter FromConfig(string? configText)
    {
        var rules = new List<DpkgPathRule>();
        foreach (var raw in (configText ?? string.Empty).Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("path-exclude=", StringComparison.Ordinal) || line.StartsWith("path-include=", StringComparison.Ordinal))
            {
                rules.Add(new(line[5] == 'i', line["path-exclude=".Length..].Trim()));
            }
        }

        return new DpkgPathFilter(rules);
    }

    /// <summary>dpkg's decision for one path of a package (absolute, as in the package's data: <c>/usr/share/doc/x</c>).</summary>
    public bool ShouldSkip(string path, bool isDirectoryOrSymlink)
    {
        bool skip = false;
        foreach (var rule in Rules)
        {
            if (DpkgGlob.IsMatch(rule.Pattern, path))
            {
                skip = !rule.Include;
            }
        }

        if (skip && isDirectoryOrSymlink)
        {
            foreach (var rule in Rules.Where(r => r.Include))
            {
                int length = DpkgGlob.LiteralPrefixLength(rule.Pattern);
                while (length > 0 && rule.Pattern[length - 1] == '/')
                {
                    length--;
                }

                // strncmp semantics: the path must hold the whole literal prefix.
                if (path.Length >= length && string.CompareOrdinal(path, 0, rule.Pattern, 0, length) == 0)
                {
                    return false;
                }
            }
        }

        return skip;
    }

    /// <summary>
    /// Removes what the rules exclude from <paramref name="root"/> (an assembled, not yet configured tree), drops the
    /// removed paths from every <c>info/*.list</c> and <c>info/*.md5sums</c>, and writes <see cref="ConfigFile"/>.
    /// </summary>
    /// <param name="repository">Where the tree's objects are.</param>
    /// <param name="root">The tree.</param>
    /// <param name="writeConfig">False to leave <see cref="ConfigFile"/> out (a single package's tree, layered on a base that has it).</param>
    /// <returns>The number of files, symlinks and directories removed.</returns>
    public int Apply(OstreeRepository repository, MutableTree root, bool writeConfig = true)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(root);
        if (IsEmpty)
        {
            return 0;
        }

        var removed = new HashSet<string>(StringComparer.Ordinal);
        Filter(repository, root, string.Empty, removed);
        if (root.FindDirectory(VarTmpfiles.DpkgDatabase + "/info") is { } info)
        {
            foreach (var (name, checksum) in info.Files.ToList())
            {
                if (name.EndsWith(".list", StringComparison.Ordinal))
                {
                    Rewrite(repository, info, name, checksum, line => line.Length > 0 && removed.Contains(TreePathOf(line)));
                }
                else if (name.EndsWith(".md5sums", StringComparison.Ordinal))
                {
                    Rewrite(repository, info, name, checksum, line => line.Length > 34 && removed.Contains(TreePathOf(line[34..])));
                }
            }
        }

        if (!writeConfig)
        {
            return removed.Count;
        }

        var text = new StringBuilder("# Written by apt-ostree compose from the treefile's documentation and install-langs:\n# dpkg filters these paths of packages installed later too (dpkg(1), --path-exclude).\n");
        foreach (var rule in Rules)
        {
            text.Append(rule.Include ? "path-include=" : "path-exclude=").Append(rule.Pattern).Append('\n');
        }

        var dir = TreePaths.Directory(repository, root, Path.GetDirectoryName(ConfigFile)!, create: true)!;
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        using var stream = new MemoryStream(bytes, writable: false);
        dir.SetFile(Path.GetFileName(ConfigFile), repository.WriteContent(FileHeader.ForFile(0, 0, PosixPermissions.File), stream, bytes.Length));
        return removed.Count;
    }

    // Depth first: a directory goes when the rules skip it and nothing below it was kept.
    private void Filter(OstreeRepository repository, MutableTree dir, string path, HashSet<string> removed)
    {
        foreach (var (name, checksum) in dir.Files.ToList())
        {
            string child = path + "/" + name;
            if (ShouldSkip(child, false) && ShouldSkip(child, repository.Objects.ReadContentHeader(checksum).IsSymlink))
            {
                dir.Remove(name);
                removed.Add(child[1..]);
            }
        }

        foreach (var (name, sub) in dir.Directories.ToList())
        {
            string child = path + "/" + name;
            Filter(repository, sub, child, removed);
            if (sub.IsEmpty && ShouldSkip(child, true))
            {
                dir.Remove(name);
                removed.Add(child[1..]);
            }
        }
    }

    private static void Rewrite(OstreeRepository repository, MutableTree info, string name, Checksum checksum, Func<string, bool> drop)
    {
        string text;
        var header = repository.Objects.ReadContentHeader(checksum);
        using (var content = repository.Objects.OpenContent(checksum))
        using (var reader = new StreamReader(content.Content, Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }

        var lines = text.Split('\n');
        var kept = lines.Where(l => !drop(l)).ToArray();
        if (kept.Length == lines.Length)
        {
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(string.Join('\n', kept));
        using var stream = new MemoryStream(bytes, writable: false);
        info.SetFile(name, repository.WriteContent(header, stream, bytes.Length));
    }

    // A package path (/bin/sh, or usr/share/x from md5sums) as the assembled tree holds it: merged /usr, no leading slash.
    private static string TreePathOf(string packagePath)
    {
        string p = packagePath.TrimStart('/');
        int slash = p.IndexOf('/', StringComparison.Ordinal);
        string first = slash < 0 ? p : p[..slash];
        return MergedUsr.Contains(first) ? "usr/" + p : p;
    }
}
