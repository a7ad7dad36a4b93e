using System.Text;
using AptOstree.Deb;
using AptOstree.Deb.Dpkg;
using AptOstree.OSTree;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// Builds a root from package commits without touching the disk: the union of their trees with dpkg's rules for a
/// path two packages ship (identical content is shared, otherwise the package that <c>Replaces</c> the other wins,
/// otherwise it is a conflict), merged <c>/usr</c> (<c>bin</c>, <c>sbin</c>, <c>lib*</c> are symlinks into <c>usr</c>,
/// as mmdebstrap sets up bookworm and later), dpkg's database (all packages <c>unpacked</c>, the trigger registry)
/// and <c>/var</c> populated from the packages' tmpfiles lines so maintainer scripts find it.
/// </summary>
public static class TreeAssembler
{
    private static readonly string[] MergedUsrDirectories = ["bin", "sbin", "lib", "lib32", "lib64", "libx32", "libo32"];

    /// <summary>Assembles <paramref name="packages"/> (in install order) from <paramref name="repository"/>.</summary>
    /// <exception cref="AptOstreeException">Two packages ship different content at one path and neither Replaces the other (<see cref="ComposeErrorCodes.FileConflict"/>).</exception>
    public static AssembledTree Assemble(OstreeRepository repository, IReadOnlyList<ImportedPackage> packages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(packages);
        var root = new MutableTree();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var records = new List<(ImportedPackage Package, Deb822Paragraph Status, string InfoName, string Stanza, string Triggers)>();
        var replaces = new Dictionary<string, RelationSet>(StringComparer.Ordinal);
        var versions = packages.ToDictionary(p => p.Name, p => p.Version, StringComparer.Ordinal);
        bool first = true;
        foreach (var package in packages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var commit = repository.ReadCommit(package.Commit);
            string stanza = commit.GetMetadata(ImportMetadata.DpkgStatus)?.AsString() ?? string.Empty;
            var status = Deb822Paragraph.Parse(stanza);
            replaces[package.Name] = status.GetValue("Replaces") is { } r && RelationSet.TryParse(r, out var set, RelationParseOptions.ForField("Replaces")) ? set : RelationSet.Empty;
            records.Add((package, status, commit.GetMetadata(ImportMetadata.DpkgInfoName)?.AsString() ?? package.Name, stanza,
                commit.GetMetadata(ImportMetadata.DpkgTriggers)?.AsString() ?? string.Empty));
            var tree = MutableTree.FromDirTree(repository, commit.RootTree, commit.RootMeta);
            if (first)
            {
                root.Meta = tree.Meta;
                first = false;
            }

            foreach (var (name, sub) in tree.Directories)
            {
                string target = MergedUsrDirectories.Contains(name) ? "usr/" + name : name;
                Merge(root.EnsureDirectory(target), sub, target, package, owners, replaces, versions);
            }

            foreach (var (name, checksum) in tree.Files)
            {
                MergeFile(root, name, checksum, name, package, owners, replaces, versions);
            }
        }

        foreach (var name in MergedUsrDirectories)
        {
            if (root.Directories.TryGetValue("usr", out var usr) && usr.Directories.ContainsKey(name) && !root.Directories.ContainsKey(name))
            {
                root.SetFile(name, repository.WriteContent(FileHeader.ForSymlink(0, 0, "usr/" + name), null, 0));
            }
        }

        // The dpkg database: every package unpacked (dpkg's status order), the trigger registry, info/format.
        var unpack = records.Select(r => new DpkgUnpackRecord
        {
            Package = r.Package.Name,
            Architecture = r.Package.Architecture,
            InfoName = r.InfoName,
            StatusStanza = r.Stanza,
            InfoFiles = [],
            TriggerInterests = DpkgTriggerInterest.Parse(r.Triggers),
        }).ToList();
        var db = root.EnsureDirectory(VarTmpfiles.DpkgDatabase);
        db.SetFile("status", WriteText(repository, DpkgDatabaseWriter.FormatStatus(unpack)));
        db.EnsureDirectory("info").SetFile("format", WriteText(repository, "1\n"));
        db.EnsureDirectory("updates");
        var triggers = db.EnsureDirectory("triggers");
        foreach (var (name, text) in DpkgDatabaseWriter.FormatTriggerRegistry(unpack))
        {
            triggers.SetFile(name, WriteText(repository, text));
        }

        var tmpfiles = new List<string>();
        if (root.Directories.TryGetValue("usr", out var u) && u.Directories.TryGetValue("lib", out var lib) && lib.Directories.TryGetValue("aptostree", out var ao)
            && ao.Directories.TryGetValue("tmpfiles.d", out var fragments))
        {
            foreach (var r in records)
            {
                if (fragments.Files.TryGetValue(r.InfoName + ".conf", out var fragment))
                {
                    using var content = repository.Objects.OpenContent(fragment);
                    using var reader = new StreamReader(content.Content, Encoding.UTF8);
                    tmpfiles.AddRange(reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        return new AssembledTree(root, owners, tmpfiles, packages);
    }

    /// <summary>
    /// Creates in <paramref name="root"/> what <paramref name="lines"/> (<c>d</c>, <c>L</c>, <c>C</c>) would create at
    /// boot, plus the <c>/var/lib/dpkg</c> link to the relocated database, so maintainer scripts see a populated /var.
    /// </summary>
    public static void MaterializeVar(OstreeRepository repository, MutableTree root, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            var f = line.Split(' ', 7, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || !f[1].StartsWith("/var/", StringComparison.Ordinal))
            {
                continue;
            }

            string path = f[1][1..];
            int slash = path.LastIndexOf('/');
            var parent = root.EnsureDirectory(path[..slash]);
            string name = path[(slash + 1)..];
            switch (f[0])
            {
                case "d" when f.Length >= 5:
                    var dir = parent.GetOrCreateDirectory(name);
                    dir.Meta = DirMeta.Create(uint.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), uint.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
                        Convert.ToUInt32(f[2], 8));
                    break;
                case "L" when f.Length >= 7:
                    if (!parent.Directories.ContainsKey(name))
                    {
                        parent.SetFile(name, repository.WriteContent(FileHeader.ForSymlink(0, 0, f[6]), null, 0));
                    }

                    break;
                case "C" when f.Length >= 7 && root.FindFile(f[6].TrimStart('/')) is { } copy:
                    parent.SetFile(name, copy);
                    break;
            }
        }

        root.EnsureDirectory("var/lib").SetFile("dpkg", repository.WriteContent(FileHeader.ForSymlink(0, 0, "../../" + VarTmpfiles.DpkgDatabase), null, 0));
    }

    private static void Merge(MutableTree into, MutableTree from, string path, ImportedPackage package, Dictionary<string, string> owners,
        Dictionary<string, RelationSet> replaces, Dictionary<string, string> versions)
    {
        if (!owners.ContainsKey(path + "/"))
        {
            // The first package to ship a directory sets its owner and mode; dpkg leaves existing directories alone.
            owners[path + "/"] = package.Name;
            into.Meta = from.Meta;
        }

        foreach (var (name, sub) in from.Directories)
        {
            string child = path + "/" + name;
            if (into.Files.ContainsKey(name))
            {
                throw Conflict(child, owners.GetValueOrDefault(child, "?"), package.Name, "a file", "a directory");
            }

            Merge(into.GetOrCreateDirectory(name), sub, child, package, owners, replaces, versions);
        }

        foreach (var (name, checksum) in from.Files)
        {
            MergeFile(into, name, checksum, path + "/" + name, package, owners, replaces, versions);
        }
    }

    private static void MergeFile(MutableTree into, string name, Checksum checksum, string path, ImportedPackage package, Dictionary<string, string> owners,
        Dictionary<string, RelationSet> replaces, Dictionary<string, string> versions)
    {
        if (into.Directories.ContainsKey(name))
        {
            throw Conflict(path, owners.GetValueOrDefault(path + "/", "?"), package.Name, "a directory", "a file");
        }

        if (into.Files.TryGetValue(name, out var existing) && owners.TryGetValue(path, out var owner) && owner != package.Name)
        {
            if (existing == checksum || Replaces(replaces, versions, package.Name, owner))
            {
                // Shared identical file (dpkg allows it for Multi-Arch: same and keeps the first owner's copy) or replaced.
                if (existing != checksum)
                {
                    owners[path] = package.Name;
                    into.SetFile(name, checksum);
                }

                return;
            }

            if (Replaces(replaces, versions, owner, package.Name))
            {
                return;
            }

            throw Conflict(path, owner, package.Name, "it", "different content");
        }

        owners[path] = package.Name;
        into.SetFile(name, checksum);
    }

    private static bool Replaces(Dictionary<string, RelationSet> replaces, Dictionary<string, string> versions, string replacer, string replaced) =>
        replaces.TryGetValue(replacer, out var set) && set.AllRelations.Any(r => r.Name == replaced
            && (!r.IsVersioned || (versions.TryGetValue(replaced, out var v) && r.Satisfies(DebianVersion.Parse(v)))));

    private static AptOstreeException Conflict(string path, string owner, string package, string had, string ships) =>
        new(ComposeErrorCodes.FileConflict, $"/{path}: {package} ships {ships} where {owner} ships {had}, and neither package Replaces the other (dpkg would refuse to overwrite it).");

    private static Checksum WriteText(OstreeRepository repository, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes, writable: false);
        return repository.WriteContent(FileHeader.ForFile(0, 0, PosixPermissions.File), stream, bytes.Length);
    }
}
