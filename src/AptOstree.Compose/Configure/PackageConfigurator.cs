using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AptOstree.Deb;
using AptOstree.OSTree;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose;

/// <summary>
/// Configures an assembled tree as mmdebstrap does, but with dpkg's own ordering and trigger handling: inside the
/// script sandbox, the preinst of each Essential-set package runs (<c>preinst install</c>, in dependency order), then
/// <c>dpkg --force-depends --configure</c> of that set, then the treefile's debconf selections, the preinst of every
/// other package and one <c>dpkg --configure --pending</c>, which runs each postinst in dependency order and every
/// activated trigger once at the end. Services are never started (<c>policy-rc.d</c> exits 101), debconf is
/// non-interactive. The tree is never changed on disk: what the scripts wrote is captured and overlaid onto it.
/// </summary>
public sealed partial class PackageConfigurator
{
    private const string LogPath = "var/log/aptostree-configure.log";
    private readonly OstreeRepository _repository;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    /// <summary>Creates a configurator.</summary>
    public PackageConfigurator(OstreeRepository repository, ILogger<PackageConfigurator>? logger = null)
        : this(repository, NullLoggerFactory.Instance, logger)
    {
    }

    /// <summary>Creates a configurator whose script sandbox logs through <paramref name="loggerFactory"/>.</summary>
    public PackageConfigurator(OstreeRepository repository, ILoggerFactory loggerFactory)
        : this(repository, loggerFactory, loggerFactory?.CreateLogger<PackageConfigurator>())
    {
    }

    private PackageConfigurator(OstreeRepository repository, ILoggerFactory loggerFactory, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _repository = repository;
        _loggerFactory = loggerFactory;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Runs the maintainer scripts of <paramref name="tree"/>'s packages and overlays their changes onto it.</summary>
    /// <returns>The time of each script and trigger, slowest first.</returns>
    /// <exception cref="AptOstreeException">A script failed (<see cref="ComposeErrorCodes.ScriptFailed"/>, naming the package and script) or ran too long.</exception>
    /// <param name="tree">The assembled tree; changed in place.</param>
    /// <param name="treefile">Scripts to ignore or replace, debconf selections, postprocess scripts, time limit.</param>
    /// <param name="workDirectory">Scratch directory (emptied before and after).</param>
    /// <param name="sourceDateEpoch">Passed to the scripts as <c>SOURCE_DATE_EPOCH</c> (dates they write, e.g. in <c>/etc/shadow</c>); default: the environment's.</param>
    /// <param name="cancellationToken">Stops the scripts.</param>
    public async Task<IReadOnlyList<ScriptTiming>> ConfigureAsync(AssembledTree tree, Treefile treefile, string workDirectory, long? sourceDateEpoch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(treefile);
        ArgumentNullException.ThrowIfNull(workDirectory);
        var root = tree.Root;
        var statuses = tree.Packages.Select(p => (Package: p, Status: Deb822Paragraph.Parse(_repository.ReadCommit(p.Commit).GetMetadata(ImportMetadata.DpkgStatus)?.AsString() ?? string.Empty),
            InfoName: _repository.ReadCommit(p.Commit).GetMetadata(ImportMetadata.DpkgInfoName)?.AsString() ?? p.Name)).ToList();

        // Ignored and replaced scripts: swapped in for the run, the package's own script restored afterwards.
        var info = root.EnsureDirectory(VarTmpfiles.DpkgDatabase + "/info");
        var restore = new Dictionary<string, Checksum?>(StringComparer.Ordinal);
        foreach (var (name, text) in treefile.Scripts.Ignore.Select(n => (n, "#!/bin/sh\n# ignored by the treefile\nexit 0\n")).Concat(treefile.Scripts.Replace.Select(kv => (kv.Key, kv.Value))))
        {
            string file = InfoFileOf(statuses, name);
            restore[VarTmpfiles.DpkgDatabase + "/info/" + file] = info.Files.TryGetValue(file, out var original) ? original : null;
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            using var s = new MemoryStream(bytes, writable: false);
            info.SetFile(file, _repository.WriteContent(FileHeader.ForFile(0, 0, PosixPermissions.Executable), s, bytes.Length));
        }

        var runTree = root;
        TreeAssembler.MaterializeVar(_repository, runTree, tree.TmpfilesLines);
        var lowerCommit = _repository.CommitTree(runTree, new CommitOptions { Orphan = true, Timestamp = DateTimeOffset.UnixEpoch, Subject = "apt-ostree compose: tree before configuration" }, cancellationToken);
        string work = PrepareWorkDirectory(workDirectory);
        string lower = Path.Combine(work, "lower");

        // Hard links into the repository either way: a bare repository checked out by root is the faithful tree; a
        // bare-user one (rootless composes) gives files the caller owns, with their commit's metadata in xattrs.
        var mode = Environment.IsPrivilegedProcess && _repository.Mode == RepoMode.Bare ? CheckoutMode.Root : CheckoutMode.User;
        _repository.Checkout(lowerCommit, lower, new CheckoutOptions { Mode = mode }, cancellationToken: cancellationToken);

        try
        {
            return await RunScriptsAsync(tree, treefile, statuses, restore, lower, work, sourceDateEpoch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(work);
        }
    }

    private async Task<IReadOnlyList<ScriptTiming>> RunScriptsAsync(AssembledTree tree, Treefile treefile, List<(ImportedPackage Package, Deb822Paragraph Status, string InfoName)> statuses,
        Dictionary<string, Checksum?> restore, string lower, string workDirectory, long? sourceDateEpoch, CancellationToken cancellationToken)
    {
        var root = tree.Root;
        var essential = EssentialSet(statuses.Select(s => s.Status).ToList());
        string hostRun = Path.Combine(workDirectory, "run");
        Directory.CreateDirectory(hostRun);
        File.WriteAllText(Path.Combine(hostRun, "debconf.sel"), string.Join('\n', treefile.DebconfSelections) + (treefile.DebconfSelections.Count > 0 ? "\n" : string.Empty));
        string dpkgVersion = statuses.FirstOrDefault(s => s.Package.Name == "dpkg").Package?.Version ?? string.Empty;
        for (int i = 0; i < treefile.Postprocess.Count; i++)
        {
            File.WriteAllText(Path.Combine(hostRun, $"postprocess-{i}.sh"), treefile.Postprocess[i]);
        }

        File.WriteAllText(Path.Combine(hostRun, "configure.sh"), DriverScript(statuses, essential, dpkgVersion, treefile.Postprocess.Count));
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (treefile.Kernel is not null)
        {
            // The kernel's and dracut's own initramfs hooks stand down (they honour INITRD=No): the kernel step owns the initramfs.
            environment["INITRD"] = "No";
        }

        if (sourceDateEpoch is { } epoch)
        {
            environment["SOURCE_DATE_EPOCH"] = epoch.ToString(CultureInfo.InvariantCulture);
        }

        var limit = treefile.Scripts.TimeLimit ?? TimeSpan.FromMinutes(30);
        var options = new ScriptSandboxOptions
        {
            Environment = environment,
            TimeLimit = limit,
            ReadOnlyBinds = new Dictionary<string, string>(StringComparer.Ordinal) { ["/run/aptostree"] = hostRun },
        };
        await using var sandbox = ScriptSandbox.Open(lower, Path.Combine(workDirectory, "sandbox"), options, _loggerFactory.CreateLogger<ScriptSandbox>());
        SandboxRunResult result;
        try
        {
            result = await sandbox.RunAsync(["/bin/sh", "/run/aptostree/configure.sh"], cancellationToken).ConfigureAwait(false);
        }
        catch (ScriptSandboxException ex) when (ex.ErrorCode == ComposeErrorCodes.SandboxTimeLimitExceeded)
        {
            throw new AptOstreeException(ComposeErrorCodes.ScriptTimedOut, $"Configuring the packages ran longer than the time limit of {limit.TotalSeconds:F0} s and was killed. {ex.Message}", ex);
        }

        if (result.ExitCode != 0)
        {
            throw new AptOstreeException(ComposeErrorCodes.ScriptFailed, DescribeFailure(result.ExitCode, result.OutputTail));
        }

        var changes = sandbox.CaptureChanges();
        string log = string.Empty;
        if (changes.Find(LogPath) is { Kind: SandboxChangeKind.Written, Type: PosixFileType.RegularFile } logChange)
        {
            using var reader = new StreamReader(sandbox.OpenContent(logChange));
            log = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var skip = new HashSet<string>(restore.Keys, StringComparer.Ordinal) { LogPath };
        SandboxChangeApplier.Apply(_repository, root, sandbox, changes, skip);
        foreach (var (path, original) in restore)
        {
            int slash = path.LastIndexOf('/');
            var dir = root.EnsureDirectory(path[..slash]);
            if (original is { } o)
            {
                dir.SetFile(path[(slash + 1)..], o);
            }
            else
            {
                dir.Remove(path[(slash + 1)..]);
            }
        }

        var timings = ParseTimings(log);
        foreach (var t in timings.Take(5))
        {
            ComposeLog.ScriptTimed(_logger, t.Script, t.Duration.TotalSeconds);
        }

        return timings;
    }

    // The configuration's scratch directory, empty. A run killed before it cleaned up may have left files of other
    // (sandbox) users that this unprivileged process cannot remove; a fresh sibling is used then.
    private string PrepareWorkDirectory(string workDirectory)
    {
        if (!TryDelete(workDirectory))
        {
            string fresh = workDirectory + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
            ComposeLog.WorkDirectoryLeftBehind(_logger, workDirectory, fresh);
            workDirectory = fresh;
        }

        Directory.CreateDirectory(workDirectory);
        return workDirectory;
    }

    // Directories of a user-mode checkout keep their commit's modes (0555 and the like), so an unprivileged owner
    // makes them writable before removing what they hold.
    private static bool TryDelete(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return true;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        try
        {
            var fs = LibcPosixFileSystem.Instance;
            foreach (var dir in Directory.EnumerateDirectories(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Prepend(directory))
            {
                var st = fs.GetStatus(dir);
                if ((st.Permissions & PosixPermissions.OwnerOnlyDirectory) != PosixPermissions.OwnerOnlyDirectory)
                {
                    fs.SetPermissions(dir, st.Permissions | PosixPermissions.OwnerOnlyDirectory);
                }
            }

            Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AptOstreeException)
        {
            return false;
        }
    }

    /// <summary>Reads the configure log: <c>TIME start|end NAME</c> lines of the driver and dpkg's status-logger lines.</summary>
    internal static IReadOnlyList<ScriptTiming> ParseTimings(string log)
    {
        var result = new List<ScriptTiming>();
        var open = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !double.TryParse(line[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out double time))
            {
                continue;
            }

            string rest = line[(space + 1)..];
            if (StartLine().Match(rest) is { Success: true } s)
            {
                open[s.Groups[1].Value] = time;
            }
            else if (EndLine().Match(rest) is { Success: true } e && open.Remove(e.Groups[1].Value, out double started))
            {
                result.Add(new ScriptTiming(e.Groups[1].Value, TimeSpan.FromSeconds(time - started)));
            }
            else if (ProcessingLine().Match(rest) is { Success: true } p)
            {
                open[Key(p.Groups[1].Value, p.Groups[2].Value)] = time;
                open["@" + p.Groups[2].Value] = time;
            }
            else if (StatusLine().Match(rest) is { Success: true } st && st.Groups[2].Value is "installed" or "triggers-awaited" or "triggers-pending" or "half-configured" && open.TryGetValue("@" + st.Groups[1].Value, out double since)
                && st.Groups[2].Value != "half-configured")
            {
                string key = open.Keys.FirstOrDefault(k => k == st.Groups[1].Value + ".postinst" || k == st.Groups[1].Value + ".trigger") ?? st.Groups[1].Value + ".postinst";
                open.Remove(key);
                open.Remove("@" + st.Groups[1].Value);
                result.Add(new ScriptTiming(key, TimeSpan.FromSeconds(time - since)));
            }
        }

        return result.OrderByDescending(t => t.Duration).ThenBy(t => t.Script, StringComparer.Ordinal).ToList();

        static string Key(string action, string package) => package + (action == "trigproc" ? ".trigger" : ".postinst");
    }

    private static string DescribeFailure(int exitCode, string output)
    {
        string tail = string.Join('\n', output.Split('\n').TakeLast(25));
        if (PostprocessFailure().Match(output) is { Success: true } post)
        {
            return $"postprocess[{post.Groups[1].Value}] failed (exit status {post.Groups[2].Value}); last output:\n{tail}";
        }

        if (PreinstFailure().Match(output) is { Success: true } pre)
        {
            return $"{pre.Groups[1].Value}.preinst failed (exit status {pre.Groups[2].Value}); last output:\n{tail}";
        }

        if (DpkgFailure().Match(output) is { Success: true } m)
        {
            string script = m.Groups[2].Value switch
            {
                "post-installation" => "postinst",
                "pre-installation" => "preinst",
                "pre-removal" => "prerm",
                "post-removal" => "postrm",
                _ => "triggers",
            };
            return $"{m.Groups[1].Value}.{script} failed (exit status {m.Groups[3].Value}); last output:\n{tail}";
        }

        return $"package configuration failed (exit status {exitCode}); last output:\n{tail}";
    }

    private static string InfoFileOf(IReadOnlyList<(ImportedPackage Package, Deb822Paragraph Status, string InfoName)> statuses, string script)
    {
        int dot = script.LastIndexOf('.');
        string package = script[..dot];
        var match = statuses.FirstOrDefault(s => s.Package.Name == package || s.InfoName == package);
        if (match.Package is null)
        {
            throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"scripts: '{script}' names a package that is not in the package set.");
        }

        return match.InfoName + script[dot..];
    }

    private static HashSet<string> EssentialSet(IReadOnlyList<Deb822Paragraph> statuses)
    {
        var byName = statuses.ToDictionary(s => s.GetRequiredValue("Package"), StringComparer.Ordinal);
        var provides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in statuses)
        {
            foreach (var p in (s.GetValue("Provides") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                provides.TryAdd(p.Split(' ')[0], s.GetRequiredValue("Package"));
            }
        }

        var set = new HashSet<string>(statuses.Where(s => s.GetValue("Essential") == "yes").Select(s => s.GetRequiredValue("Package")), StringComparer.Ordinal);
        var queue = new Queue<string>(set);
        while (queue.Count > 0)
        {
            var s = byName[queue.Dequeue()];
            foreach (var field in new[] { "Pre-Depends", "Depends" })
            {
                foreach (var group in (s.GetValue(field) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (var alt in group.Split('|', StringSplitOptions.TrimEntries))
                    {
                        string name = alt.Split([' ', '(', ':'], 2)[0];
                        string? found = byName.ContainsKey(name) ? name : provides.GetValueOrDefault(name);
                        if (found is not null)
                        {
                            if (set.Add(found))
                            {
                                queue.Enqueue(found);
                            }

                            break;
                        }
                    }
                }
            }
        }

        return set;
    }

    private static string DriverScript(IReadOnlyList<(ImportedPackage Package, Deb822Paragraph Status, string InfoName)> statuses, HashSet<string> essential, string dpkgVersion, int postprocessScripts)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/sh\n# apt-ostree compose: configure the unpacked packages (generated).\nset -u\n")
            .Append("LOG=/").Append(LogPath).Append("\nmkdir -p /var/log\n: > \"$LOG\"\n")
            .Append("now() { date +%s.%N; }\n")
            .Append("export DPKG_ADMINDIR=/var/lib/dpkg DPKG_ROOT= DPKG_RUNNING_VERSION='").Append(dpkgVersion).Append("'\n")
            .Append("STATUS_LOGGER='while read -r l; do echo \"$(date +%s.%N) $l\"; done >> /").Append(LogPath).Append("'\n")
            .Append("preinst() {\n  s=/var/lib/dpkg/info/$2.preinst\n  [ -f \"$s\" ] || return 0\n  chmod 755 \"$s\" 2>/dev/null\n")
            .Append("  echo \"$(now) start $1.preinst\" >> \"$LOG\"\n")
            .Append("  DPKG_MAINTSCRIPT_PACKAGE=$1 DPKG_MAINTSCRIPT_ARCH=$3 DPKG_MAINTSCRIPT_NAME=preinst DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT=1 \"$s\" install\n")
            .Append("  rc=$?\n  if [ $rc -ne 0 ]; then echo \"apt-ostree: preinst of $1 failed with exit status $rc\" >&2; exit 100; fi\n")
            .Append("  echo \"$(now) end $1.preinst\" >> \"$LOG\"\n}\n");
        void Preinsts(bool essentialPhase)
        {
            foreach (var (package, _, infoName) in statuses.Where(s => essential.Contains(s.Package.Name) == essentialPhase))
            {
                sb.Append("preinst ").Append(package.Name).Append(' ').Append(infoName).Append(' ').Append(package.Architecture).Append('\n');
            }
        }

        Preinsts(essentialPhase: true);
        sb.Append("dpkg --force-depends --no-triggers --status-logger=\"$STATUS_LOGGER\" --configure");
        foreach (var s in statuses.Where(s => essential.Contains(s.Package.Name)))
        {
            sb.Append(' ').Append(s.InfoName);
        }

        sb.Append(" || exit 101\n")
            .Append("if [ -s /run/aptostree/debconf.sel ]; then debconf-set-selections /run/aptostree/debconf.sel || exit 102; fi\n");
        Preinsts(essentialPhase: false);
        sb.Append("dpkg --status-logger=\"$STATUS_LOGGER\" --configure --pending || exit 103\n")
            .Append("dpkg --status-logger=\"$STATUS_LOGGER\" --triggers-only --pending || exit 104\n");
        for (int i = 0; i < postprocessScripts; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"echo \"$(now) start postprocess[{i}]\" >> \"$LOG\"\n")
                .Append(CultureInfo.InvariantCulture, $"sh -e /run/aptostree/postprocess-{i}.sh || {{ rc=$?; echo \"apt-ostree: postprocess[{i}] failed with exit status $rc\" >&2; exit 110; }}\n")
                .Append(CultureInfo.InvariantCulture, $"echo \"$(now) end postprocess[{i}]\" >> \"$LOG\"\n");
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"^start (\S+)$")]
    private static partial Regex StartLine();

    [GeneratedRegex(@"^end (\S+)$")]
    private static partial Regex EndLine();

    [GeneratedRegex(@"^processing: (configure|trigproc): ([^: ]+)")]
    private static partial Regex ProcessingLine();

    [GeneratedRegex(@"^status: ([^: ]+)(?::[a-z0-9]+)?: (\S+)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"postprocess\[(\d+)\] failed with exit status (\d+)")]
    private static partial Regex PostprocessFailure();

    [GeneratedRegex(@"preinst of (\S+) failed with exit status (\d+)")]
    private static partial Regex PreinstFailure();

    [GeneratedRegex(@"error processing package (\S+) \(--configure\):\s*\n?\s*(?:installed \S+ package )?(post-installation|pre-installation|pre-removal|post-removal|\S+) .*?exit status (\d+)")]
    private static partial Regex DpkgFailure();
}
