using AptOstree.Deb.Solver;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>
/// At least 200 real install requests against the host's bookworm indexes, each solved by us from an empty
/// status, checked by an independent checker, and compared with <c>apt-get -s install</c> from an empty status.
/// </summary>
public sealed class AptGetComparisonTests(ITestOutputHelper output)
{
    /// <summary>
    /// apt-get's own resolution (libapt's pkgDepCache::MarkInstall + pkgProblemResolver, via python3-apt) for many
    /// requests in one process, so the package cache is built once instead of once per apt-get run.
    /// </summary>
    private const string LibAptScript = """
        import sys, apt_pkg
        apt_pkg.init_config()
        apt_pkg.config.set("Dir::State::status", sys.argv[1])
        apt_pkg.config.set("Debug::NoLocking", "1")
        apt_pkg.config.set("Dir::State::lists", sys.argv[2])
        apt_pkg.config.set("Dir::Cache::pkgcache", "")
        apt_pkg.config.set("Dir::Cache::srcpkgcache", "")
        apt_pkg.init_system()
        cache = apt_pkg.Cache(None)
        dc = apt_pkg.DepCache(cache)
        for name in sys.stdin.read().split():
            dc.init()
            try:
                pkg = cache[name]
                with apt_pkg.ActionGroup(dc):
                    dc.mark_install(pkg, True, True)
                if dc.broken_count > 0:
                    pr = apt_pkg.ProblemResolver(dc)
                    pr.protect(pkg)
                    pr.resolve(True)
                inst = sorted(p.name for p in cache.packages if dc.marked_install(p))
                print(name, "OK" if dc.broken_count == 0 and inst else "ERROR", " ".join(inst), flush=True)
            except (KeyError, SystemError):
                print(name, "ERROR", flush=True)
        """;

    private static readonly string[] Fixed =
    [
        "task-gnome-desktop", "vim-nox", "hello", "apache2", "postfix", "openssh-server", "python3", "perl", "git",
        "default-mta", "mail-transport-agent", "awk", "libc6-dev", "build-essential", "emacs", "texlive-base", "gcc",
        "nginx", "mariadb-server", "postgresql", "xserver-xorg", "lxde", "xfce4", "libreoffice-writer", "firefox-esr",
        "systemd", "network-manager", "cups", "inkscape", "gimp", "ruby", "nodejs", "golang-go", "openjdk-17-jre-headless",
        "docker.io", "qemu-system-x86", "sudo", "curl", "wget", "rsync",
    ];

    private static Dictionary<string, (int Exit, HashSet<string> Inst)> RunLibApt(TempDirectory dir, string status, IReadOnlyList<string> requests)
    {
        string script = dir.Combine("libapt-sim.py");
        File.WriteAllText(script, LibAptScript);
        var run = ExternalTool.Run("/usr/bin/python3", [script, status, HostAptLists.Snapshot], standardInput: string.Join('\n', requests), timeout: TimeSpan.FromMinutes(15));
        run.EnsureSuccess("python3-apt harness");
        var result = new Dictionary<string, (int, HashSet<string>)>();
        foreach (var line in run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            result[words[0]] = (words[1] == "OK" ? 0 : 1, words.Skip(2).ToHashSet());
        }

        return result;
    }

    [SkippableFact]
    public void Two_hundred_requests_are_installable_and_match_apt_get_within_two_percent()
    {
        var universe = HostUniverse.Get();
        Skip.If(ExternalTool.Run("/usr/bin/python3", ["-c", "import apt_pkg"]).ExitCode != 0, "python3-apt is not installed (eng/install-deps.sh installs it).");
        var names = universe.Packages.Where(p => universe.IsCandidate(p) && p.IsDownloadable).Select(p => p.Name).Distinct().Order(StringComparer.Ordinal).ToList();

        // A deterministic spread over the whole archive plus hand-picked tasks, virtuals and alternatives.
        var requests = Fixed.Where(n => universe.FindByName(n).Count > 0 || universe.FindProviders(n).Count > 0).ToList();
        int step = names.Count / 170;
        for (int i = 7; i < names.Count && requests.Count < 210; i += step)
        {
            if (!requests.Contains(names[i]))
            {
                requests.Add(names[i]);
            }
        }

        using var dir = new TempDirectory();
        string status = Path.Combine(dir.Path, "status");
        File.WriteAllText(status, string.Empty);
        var apt = RunLibApt(dir, status, requests);

        // The libapt harness must agree with apt-get -s itself; check that on a sample of the requests.
        foreach (var name in requests.Where((_, i) => i % 25 == 0))
        {
            var r = ExternalTool.Run("apt-get", ["-s", "-q", .. HostAptLists.AptGetOptions, "-o", "Dir::State::status=" + status, "-o", "Debug::NoLocking=1", "install", name]);
            var inst = r.StandardOutput.Split('\n').Where(l => l.StartsWith("Inst ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToHashSet();
            if (r.ExitCode == 0 && inst.Count > 0)
            {
                Assert.True(apt[name].Inst.SetEquals(inst), $"libapt harness and apt-get -s disagree on {name}");
            }
        }

        var solver = new DependencySolver(universe);
        int compared = 0;
        var failures = new List<string>();
        var mismatches = new List<string>();
        foreach (var name in requests)
        {
            var (exit, inst) = apt[name];
            SolverSolution? ours = null;
            string? error = null;
            try
            {
                ours = solver.Solve(SolverRequest.ForInstall([name]));
            }
            catch (AptOstreeException ex)
            {
                error = ex.Message;
            }

            if (exit != 0 || inst.Count == 0)
            {
                output.WriteLine($"{name}: apt-get cannot install it (exit {exit}); ours: {(error is null ? ours!.Install.Count + " packages" : "error " + error.Split('\n')[0])}");
                continue;
            }

            compared++;
            if (ours is null)
            {
                mismatches.Add($"{name}: apt installs {inst.Count} packages but we failed: {error}");
                continue;
            }

            var problems = IndependentChecker.Problems(ours.Installed);
            if (problems.Count > 0)
            {
                failures.Add($"{name}: our answer is not installable: {string.Join("; ", problems.Take(5))}");
            }

            var ourNames = ours.Install.Select(p => p.Name).ToHashSet();
            double diff = Math.Abs(ourNames.Count - inst.Count) / (double)inst.Count;
            var onlyOurs = ourNames.Except(inst).Order().ToList();
            var onlyApt = inst.Except(ourNames).Order().ToList();
            if (onlyOurs.Count + onlyApt.Count > 0)
            {
                output.WriteLine($"{name}: ours {ourNames.Count}, apt {inst.Count}; only ours: {string.Join(' ', onlyOurs.Take(10))}; only apt: {string.Join(' ', onlyApt.Take(10))}");
            }

            if (diff > 0.02)
            {
                mismatches.Add($"{name}: size differs by {diff:P1} (ours {ourNames.Count}, apt {inst.Count})");
            }
        }

        output.WriteLine($"{compared} requests compared with apt-get -s, {failures.Count} uninstallable answers, {mismatches.Count} outside 2% of apt:");
        foreach (var m in mismatches)
        {
            output.WriteLine("  " + m);
        }

        Assert.True(compared >= 200, $"only {compared} requests could be compared");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} requests differ from apt by more than 2%:{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");
    }
}
