using System.Text;
using System.Text.RegularExpressions;
using AptOstree.OSTree;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Layering;

/// <summary>
/// Runs the maintainer scripts of newly layered packages as dpkg would, in the rootless <see cref="ScriptSandbox"/>
/// over the layered tree: each new package's <c>preinst install</c> in install order, the triggers their files and
/// control files activate, then <c>dpkg --configure --pending</c> (every postinst, in dependency order) and
/// <c>dpkg --triggers-only --pending</c>. The sandbox sees the tree as a booted system does (<c>/etc</c> from
/// <c>/usr/etc</c>, <c>/var</c> from the tree's tmpfiles lines); what the scripts change is captured and applied to
/// the tree (<c>/etc</c> back into <c>/usr/etc</c>), except <c>/var</c>, which the new deployment shares with the old.
/// </summary>
internal sealed partial class LayerScriptRunner
{
    // Written by dpkg or the shadow tools as by-products; the layered commit's dpkg status is rebuilt by the caller.
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
    {
        "etc/passwd-", "etc/group-", "etc/shadow-", "etc/gshadow-", "etc/subuid-", "etc/subgid-", "etc/.pwd.lock", "etc/resolv.conf",
        VarTmpfiles.DpkgDatabase + "/status", VarTmpfiles.DpkgDatabase + "/status-old", VarTmpfiles.DpkgDatabase + "/available-old",
        VarTmpfiles.DpkgDatabase + "/lock", VarTmpfiles.DpkgDatabase + "/lock-frontend", VarTmpfiles.DpkgDatabase + "/triggers/Lock",
        VarTmpfiles.DpkgDatabase + "/triggers/Unincorp", VarTmpfiles.DpkgDatabase + "/updates",
    };

    private static readonly string[] TransientTopLevel = ["var", "tmp", "run", "dev", "proc", "sys", "root", "home"];

    private readonly OstreeRepository _repository;
    private readonly ILoggerFactory _loggerFactory;

    public LayerScriptRunner(OstreeRepository repository, ILoggerFactory loggerFactory)
    {
        _repository = repository;
        _loggerFactory = loggerFactory;
    }

    /// <summary>A newly layered package: its import and the files of its package tree (dpkg paths, for file triggers).</summary>
    public sealed record NewPackage(ImportedPackage Package, string InfoName, bool HasScripts, IReadOnlyList<string> ExplicitTriggers, IReadOnlyList<string> Paths, IReadOnlyList<string> Conffiles)
    {
        /// <summary>The file-trigger paths the package's <c>triggers</c> control file registers interest in.</summary>
        public IReadOnlyList<string> FileInterests { get; init; } = [];
    }

    /// <summary>
    /// The triggers the new packages activate, as dpkg activates them while unpacking in install order: file triggers of
    /// the tree's registry before this transaction matching their paths, file triggers a new package registers matching
    /// the paths of the packages unpacked after it, and their <c>activate</c> lines.
    /// </summary>
    public static IReadOnlyList<string> ActivatedTriggers(MutableTree root, IReadOnlyList<NewPackage> packages, Func<Checksum, string> readText) =>
        ActivatedTriggers(root, packages.Select(p => new TriggerSource(p.Package.Name, p.Paths, p.FileInterests, p.ExplicitTriggers, [])).ToList(), readText);

    /// <summary>What a new package brings to trigger processing: the paths it ships, its interests and its <c>activate</c> lines.</summary>
    public sealed record TriggerSource(string Name, IReadOnlyList<string> Paths, IReadOnlyList<string> FileInterests, IReadOnlyList<string> ExplicitTriggers, IReadOnlyList<string> ExplicitInterests);

    /// <inheritdoc cref="ActivatedTriggers(MutableTree, IReadOnlyList{NewPackage}, Func{Checksum, string})"/>
    public static IReadOnlyList<string> ActivatedTriggers(MutableTree root, IReadOnlyList<TriggerSource> packages, Func<Checksum, string> readText)
    {
        static bool Matches(string path, string interest) => path == interest || path.StartsWith(interest.TrimEnd('/') + "/", StringComparison.Ordinal);
        var activated = new SortedSet<string>(StringComparer.Ordinal);
        var interests = RegisteredFileInterests(root, readText).Select(f => f.Path).ToList();
        foreach (var path in packages.SelectMany(p => p.Paths))
        {
            activated.UnionWith(interests.Where(i => Matches(path, i)));
        }

        for (int i = 0; i < packages.Count; i++)
        {
            foreach (var later in packages.Skip(i + 1))
            {
                activated.UnionWith(packages[i].FileInterests.Where(interest => later.Paths.Any(path => Matches(path, interest))));
            }
        }

        activated.UnionWith(packages.SelectMany(p => p.ExplicitTriggers));
        return activated.ToList();
    }

    /// <summary>
    /// Each trigger with the packages interested in it, as dpkg looks them up: the tree's registry (<c>triggers/File</c>
    /// lines <c>PATH PKG[/noawait]</c>, one <c>triggers/NAME</c> file per explicit trigger), then the new packages' interests.
    /// </summary>
    public static IReadOnlyList<LayeringTrigger> InterestedPackages(MutableTree root, IReadOnlyList<string> triggers, IReadOnlyList<TriggerSource> packages, Func<Checksum, string> readText)
    {
        static string PackageOf(string entry) => entry.Split('/')[0].Split(':')[0];
        var registry = root.FindDirectory(VarTmpfiles.DpkgDatabase + "/triggers");
        var fileInterests = RegisteredFileInterests(root, readText);
        var result = new List<LayeringTrigger>();
        foreach (string trigger in triggers)
        {
            IEnumerable<string> fromRegistry = trigger.StartsWith('/')
                ? fileInterests.Where(f => f.Path == trigger).Select(f => PackageOf(f.Entry))
                : registry is not null && trigger is not ("File" or "Lock" or "Unincorp") && registry.Files.TryGetValue(trigger, out var named)
                    ? readText(named).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PackageOf)
                    : [];
            var fromNew = packages.Where(p => (trigger.StartsWith('/') ? p.FileInterests : p.ExplicitInterests).Contains(trigger)).Select(p => p.Name);
            result.Add(new LayeringTrigger(trigger, fromRegistry.Concat(fromNew).Distinct(StringComparer.Ordinal).ToList()));
        }

        return result;
    }

    /// <summary>The file-trigger interests of the tree's registry: <c>triggers/File</c> lines <c>PATH PKG[/noawait]</c>.</summary>
    private static List<(string Path, string Entry)> RegisteredFileInterests(MutableTree root, Func<Checksum, string> readText) =>
        root.FindFile(VarTmpfiles.DpkgDatabase + "/triggers/File") is { } file
            ? readText(file).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', 2, StringSplitOptions.TrimEntries))
                .Where(f => f.Length == 2 && f[0].StartsWith('/'))
                .Select(f => (f[0], f[1])).ToList()
            : [];

    /// <summary>Runs the scripts over <paramref name="root"/> (whose status lists the new packages as unpacked) and applies their changes to it.</summary>
    /// <exception cref="AptOstreeException">A script or trigger failed (<see cref="LayeringErrorCodes.ScriptFailed"/>, naming the package and script).</exception>
    public async Task RunAsync(MutableTree root, IReadOnlyList<NewPackage> packages, IReadOnlyList<string> triggers, string workDirectory, long sourceDateEpoch, CancellationToken cancellationToken)
    {
        var (tree, meta) = root.Write(_repository);
        var run = MutableTree.FromDirTree(_repository, tree, meta);
        var tmpfiles = (run.FindDirectory("usr/lib/tmpfiles.d")?.Files ?? new Dictionary<string, Checksum>())
            .Where(kv => kv.Key.EndsWith(".conf", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .SelectMany(kv => ReadText(kv.Value).Split('\n')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        TreeAssembler.MaterializeVar(_repository, run, tmpfiles);
        if (run.FindDirectory("usr/etc") is { } usrEtc)
        {
            var (etcTree, etcMeta) = usrEtc.Write(_repository);
            run.Remove("etc");
            var etc = run.GetOrCreateDirectory("etc");
            etc.Overlay(MutableTree.FromDirTree(_repository, etcTree, etcMeta));
            etc.Meta = usrEtc.Meta;
        }

        // dpkg --configure puts each new conffile in place from PATH.dpkg-new, as after dpkg --unpack.
        foreach (var conffile in packages.SelectMany(p => p.Conffiles).Select(c => c.TrimStart('/')))
        {
            int at = conffile.LastIndexOf('/');
            if (at > 0 && run.FindDirectory(conffile[..at]) is { } dir && dir.Files.TryGetValue(conffile[(at + 1)..], out var placed))
            {
                dir.Remove(conffile[(at + 1)..]);
                dir.SetFile(conffile[(at + 1)..] + ".dpkg-new", placed);
            }
        }

        var varLib = run.EnsureDirectory("var/lib");
        if (!varLib.Directories.ContainsKey("dpkg") && !varLib.Files.ContainsKey("dpkg"))
        {
            varLib.SetFile("dpkg", _repository.WriteContent(FileHeader.ForSymlink(0, 0, "../../" + VarTmpfiles.DpkgDatabase), null, 0));
        }

        var lowerCommit = _repository.CommitTree(run, new CommitOptions { Orphan = true, Timestamp = DateTimeOffset.UnixEpoch, Subject = "apt-ostree layering: tree before the new packages' scripts" }, cancellationToken);
        if (Directory.Exists(workDirectory))
        {
            Directory.Delete(workDirectory, recursive: true);
        }

        string lower = Path.Combine(workDirectory, "lower");
        Directory.CreateDirectory(workDirectory);
        string driver = Path.Combine(workDirectory, "layer.sh");
        try
        {
            _repository.Checkout(lowerCommit, lower, new CheckoutOptions { Mode = LibcPosixFileSystem.IsRoot ? CheckoutMode.Root : CheckoutMode.User }, cancellationToken: cancellationToken);
            await File.WriteAllTextAsync(driver, DriverScript(packages, triggers), cancellationToken).ConfigureAwait(false);
            var options = new ScriptSandboxOptions
            {
                ReadOnlyBinds = new Dictionary<string, string>(StringComparer.Ordinal) { ["/run/aptostree-layer.sh"] = driver },
                Environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["SOURCE_DATE_EPOCH"] = sourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                TimeLimit = TimeSpan.FromMinutes(30),
            };
            await using var sandbox = ScriptSandbox.Open(lower, Path.Combine(workDirectory, "sandbox"), options, _loggerFactory.CreateLogger<ScriptSandbox>());
            var result = await sandbox.RunAsync(["/bin/sh", "/run/aptostree-layer.sh"], cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new AptOstreeException(LayeringErrorCodes.ScriptFailed, DescribeFailure(result.ExitCode, result.OutputTail));
            }

            Apply(sandbox, sandbox.CaptureChanges(), root);
        }
        finally
        {
            if (Directory.Exists(workDirectory))
            {
                Directory.Delete(workDirectory, recursive: true);
            }
        }
    }

    private void Apply(ScriptSandbox sandbox, SandboxChanges changes, MutableTree root)
    {
        foreach (var change in changes.Entries)
        {
            string path = change.Path;
            if (path.Length == 0 || Skipped.Contains(path) || Skipped.Any(s => path.StartsWith(s + "/", StringComparison.Ordinal))
                || TransientTopLevel.Any(t => path == t || path.StartsWith(t + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            if (path == "etc" || path.StartsWith("etc/", StringComparison.Ordinal))
            {
                path = "usr/" + path;
            }

            int slash = path.LastIndexOf('/');
            var parent = slash < 0 ? root : root.EnsureDirectory(path[..slash]);
            string name = path[(slash + 1)..];
            if (change.Kind == SandboxChangeKind.Deleted)
            {
                parent.Remove(name);
                continue;
            }

            var xattrs = ExtendedAttribute.Canonicalize(change.ExtendedAttributes.Where(x => x.Key != "user.ostreemeta").Select(x => new ExtendedAttribute(x.Key, x.Value.ToArray())));
            switch (change.Type)
            {
                case PosixFileType.Directory:
                    if (parent.Files.ContainsKey(name))
                    {
                        parent.Remove(name);
                    }

                    var dir = parent.GetOrCreateDirectory(name);
                    if (change.IsOpaque)
                    {
                        foreach (var child in dir.Files.Keys.Concat(dir.Directories.Keys).ToList())
                        {
                            dir.Remove(child);
                        }
                    }

                    dir.Meta = DirMeta.Create(change.Uid, change.Gid, change.Permissions, xattrs);
                    break;
                case PosixFileType.RegularFile:
                    parent.Directories.TryGetValue(name, out var replacedDir);
                    if (replacedDir is not null)
                    {
                        parent.Remove(name);
                    }

                    using (var content = sandbox.OpenContent(change))
                    {
                        parent.SetFile(name, _repository.WriteContent(FileHeader.ForFile(change.Uid, change.Gid, change.Permissions, xattrs), content, change.Size));
                    }

                    break;
                case PosixFileType.SymbolicLink:
                    if (parent.Directories.ContainsKey(name))
                    {
                        parent.Remove(name);
                    }

                    parent.SetFile(name, _repository.WriteContent(FileHeader.ForSymlink(change.Uid, change.Gid, change.LinkTarget!, xattrs), null, 0));
                    break;
                default:
                    // FIFOs, sockets and device nodes cannot be committed (OSTree holds files, directories, symlinks).
                    parent.Remove(name);
                    break;
            }
        }
    }

    private static string DriverScript(IReadOnlyList<NewPackage> packages, IReadOnlyList<string> triggers)
    {
        var sb = new StringBuilder()
            .Append("#!/bin/sh\n# apt-ostree layering: configure the newly layered packages (generated).\nset -u\n")
            .Append("preinst() {\n  s=/var/lib/dpkg/info/$2.preinst\n  [ -f \"$s\" ] || return 0\n")
            .Append("  DPKG_MAINTSCRIPT_PACKAGE=$1 DPKG_MAINTSCRIPT_ARCH=$3 DPKG_MAINTSCRIPT_NAME=preinst DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT=1 \"$s\" install\n")
            .Append("  rc=$?\n  if [ $rc -ne 0 ]; then echo \"apt-ostree: preinst of $1 failed with exit status $rc\" >&2; exit 100; fi\n}\n");
        foreach (var p in packages)
        {
            sb.Append("preinst ").Append(Quote(p.Package.Name)).Append(' ').Append(Quote(p.InfoName)).Append(' ').Append(Quote(p.Package.Architecture)).Append('\n');
        }

        foreach (var t in triggers)
        {
            sb.Append("dpkg-trigger --no-await ").Append(Quote(t)).Append(" || { echo \"apt-ostree: activating trigger ").Append(t.Replace("\"", string.Empty, StringComparison.Ordinal)).Append(" failed\" >&2; exit 105; }\n");
        }

        sb.Append("dpkg --configure --pending || exit 103\n")
            .Append("dpkg --triggers-only --pending || exit 104\n");
        return sb.ToString();
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string DescribeFailure(int exitCode, string output)
    {
        string tail = string.Join('\n', output.Split('\n').TakeLast(25)).Trim();
        if (PreinstFailure().Match(output) is { Success: true } pre)
        {
            return $"{pre.Groups[1].Value}.preinst failed (exit status {pre.Groups[2].Value}); nothing was deployed. Last output:\n{tail}";
        }

        if (DpkgFailure().Match(output) is { Success: true } m)
        {
            string script = m.Groups[2].Value switch
            {
                "post-installation" => "postinst",
                "pre-installation" => "preinst",
                _ => "triggers",
            };
            return $"{m.Groups[1].Value}.{script} failed (exit status {m.Groups[3].Value}); nothing was deployed. Last output:\n{tail}";
        }

        return $"Configuring the layered packages failed (exit status {exitCode}); nothing was deployed. Last output:\n{tail}";
    }

    private string ReadText(Checksum file)
    {
        using var content = _repository.Objects.OpenContent(file);
        using var reader = new StreamReader(content.Content, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"preinst of (\S+) failed with exit status (\d+)")]
    private static partial Regex PreinstFailure();

    [GeneratedRegex(@"error processing package (\S+) \(--configure\):\s*\n?\s*(?:installed \S+ package )?(post-installation|pre-installation|\S+) .*?exit status (\d+)")]
    private static partial Regex DpkgFailure();
}
