using System.Text.RegularExpressions;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.Deb.Tests.Dpkg;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>
/// <c>upgrade</c> and <c>dist-upgrade</c> against an installed set, compared with <c>apt-get -s upgrade</c> and
/// <c>apt-get -s dist-upgrade</c>. The installed set is the host's dpkg status, rewritten so that upgrades exist:
/// some packages get a lower version, one upgrade needs a dependency that is no longer installed (upgrade keeps it
/// back, dist-upgrade installs the dependency) and an obsolete package Breaks the new version of another one
/// (upgrade keeps that one back, dist-upgrade removes the obsolete package).
/// </summary>
public sealed class UpgradeComparisonTests(ITestOutputHelper output)
{
    private const string ObsoleteName = "aptostree-obsolete-test";
    private const string LowVersion = "0~aptostree1";

    [SkippableTheory]
    [InlineData("upgrade")]
    [InlineData("dist-upgrade")]
    public void Result_equals_apt_get_on_a_rewritten_host_status(string action)
    {
        HostUniverse.Get();
        using var db = HostDpkgSnapshot.Take();
        using var dir = new TempDirectory();
        var scenario = Rewrite(dir, db.StatusFile);
        output.WriteLine($"lowered: {string.Join(' ', scenario.Lowered)}; new dependency: {scenario.NewDependency} of {scenario.NeedsNewDependency}; {ObsoleteName} breaks the upgrade of {scenario.BrokenByObsolete}");

        var apt = RunAptGet(dir, scenario.StatusPath, action);
        var universe = AptListsDirectory.LoadUniverse(HostAptLists.Snapshot, statusFile: scenario.StatusPath);
        var ours = Summarize(universe, new DependencySolver(universe).Solve(new SolverRequest { Upgrade = action == "upgrade", DistUpgrade = action == "dist-upgrade" }));

        // The scenario must exercise what it is built for, whatever the solver says.
        if (action == "upgrade")
        {
            Assert.Subset(apt.Upgrades, scenario.Lowered.Except([scenario.NeedsNewDependency, scenario.BrokenByObsolete]).ToHashSet());
            Assert.Contains(scenario.NeedsNewDependency, apt.KeptBack);
            Assert.Contains(scenario.BrokenByObsolete, apt.KeptBack);
        }
        else
        {
            Assert.Subset(apt.Upgrades, scenario.Lowered.ToHashSet());
            Assert.Contains(scenario.NewDependency, apt.NewInstalls);
            Assert.Contains(ObsoleteName, apt.Removals);
        }

        var differences = new List<string>();
        Compare("upgraded", apt.Upgrades, ours.Upgrades, differences);
        Compare("newly installed", apt.NewInstalls, ours.NewInstalls, differences);
        Compare("removed", apt.Removals, ours.Removals, differences);
        Compare("kept back", apt.KeptBack, ours.KeptBack, differences);
        output.WriteLine($"apt-get {action}: {apt.Upgrades.Count} upgraded, {apt.NewInstalls.Count} new, {apt.Removals.Count} removed, {apt.KeptBack.Count} kept back");
        foreach (var d in differences)
        {
            output.WriteLine("  " + d);
        }

        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
    }

    private static void Compare(string what, HashSet<string> apt, HashSet<string> ours, List<string> differences)
    {
        var onlyApt = apt.Except(ours).Order(StringComparer.Ordinal).ToList();
        var onlyOurs = ours.Except(apt).Order(StringComparer.Ordinal).ToList();
        if (onlyApt.Count + onlyOurs.Count > 0)
        {
            differences.Add($"{what}: only apt-get: {string.Join(' ', onlyApt)}; only ours: {string.Join(' ', onlyOurs)}");
        }
    }

    private sealed record Outcome(HashSet<string> Upgrades, HashSet<string> NewInstalls, HashSet<string> Removals, HashSet<string> KeptBack);

    private sealed record Scenario(string StatusPath, IReadOnlyList<string> Lowered, string NeedsNewDependency, string NewDependency, string BrokenByObsolete);

    private static Outcome RunAptGet(TempDirectory dir, string status, string action)
    {
        string extended = dir.Combine("extended_states");
        File.WriteAllText(extended, string.Empty);
        var run = ExternalTool.Run("apt-get", ["-s", "-q", .. HostAptLists.AptGetOptions, "-o", "Dir::State::status=" + status, "-o", "Dir::State::extended_states=" + extended, "-o", "Debug::NoLocking=1", action]);
        run.EnsureSuccess("apt-get -s " + action);
        var result = new Outcome([], [], [], []);
        bool inKeptBack = false;
        foreach (var line in run.StandardOutput.Split('\n'))
        {
            if (inKeptBack && line.StartsWith("  ", StringComparison.Ordinal))
            {
                result.KeptBack.UnionWith(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(BareName));
                continue;
            }

            inKeptBack = line.StartsWith("The following packages have been kept back", StringComparison.Ordinal);
            var words = line.Split(' ');
            if (words[0] == "Inst")
            {
                (words[2].StartsWith('[') ? result.Upgrades : result.NewInstalls).Add(BareName(words[1]));
            }
            else if (words[0] == "Remv")
            {
                result.Removals.Add(BareName(words[1]));
            }
        }

        return result;
    }

    private static Outcome Summarize(PackageUniverse universe, SolverSolution solution)
    {
        var installed = universe.Packages.Where(p => p.IsInstalled).ToList();
        var installedNames = installed.Select(p => p.Name).ToHashSet();
        var result = new Outcome(
            solution.Install.Where(p => installedNames.Contains(p.Name)).Select(p => p.Name).ToHashSet(),
            solution.Install.Where(p => !installedNames.Contains(p.Name)).Select(p => p.Name).ToHashSet(),
            solution.Remove.Select(p => p.Name).ToHashSet(),
            []);
        foreach (var p in installed)
        {
            var candidate = universe.FindCandidate(p.Name, p.Architecture);
            if (!p.IsHeld && candidate is not null && DebianVersion.Compare(candidate.Version, p.Version) > 0
                && !result.Upgrades.Contains(p.Name) && !result.Removals.Contains(p.Name))
            {
                result.KeptBack.Add(p.Name);
            }
        }

        return result;
    }

    private static string BareName(string word) => word.Split(':')[0];

    /// <summary>Writes the rewritten status and says which packages play which part.</summary>
    private static Scenario Rewrite(TempDirectory dir, string hostStatus)
    {
        var host = AptListsDirectory.LoadUniverse(HostAptLists.Snapshot, statusFile: hostStatus);
        var stanzas = File.ReadAllText(hostStatus).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim('\n')).ToList();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < stanzas.Count; i++)
        {
            if (Field(stanzas[i], "Status") == "install ok installed" && Field(stanzas[i], "Package") is { } name)
            {
                byName.TryAdd(name, i);
            }
        }

        string relations = string.Join('\n', byName.Values.Select(i => string.Join(", ", new[] { "Depends", "Pre-Depends", "Recommends", "Breaks", "Conflicts" }.Select(f => Field(stanzas[i], f) ?? string.Empty))));

        // Upgradable only by lowering the installed version: installed = candidate, nobody has a versioned relation on it.
        var eligible = host.Packages
            .Where(p => p.IsInstalled && byName.ContainsKey(p.Name) && !p.Essential && !p.Protected && p.MultiArch != MultiArchKind.Same)
            .Where(p => host.FindCandidate(p.Name, p.Architecture) is { IsDownloadable: true } c && c.Version == p.Version)
            .Where(p => !Regex.IsMatch(relations, $@"(^|[\s,|]){Regex.Escape(p.Name)}(:\S+)?\s*\(", RegexOptions.Multiline))
            .Select(p => p.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        Skip.If(eligible.Count < 12, "The host has too few installed packages to build an upgrade scenario.");

        // A Depends on an installed package that nothing else mentions: drop both from the status.
        string? needsNew = null;
        string? newDependency = null;
        foreach (var name in eligible)
        {
            var depends = Field(stanzas[byName[name]], "Depends");
            foreach (var term in depends?.Split(", ") ?? [])
            {
                string target = term.Split(' ', ':')[0];
                if (term.Contains('|', StringComparison.Ordinal) || !byName.TryGetValue(target, out int t) || Field(stanzas[t], "Provides") is not null
                    || host.FindCandidate(target) is not { IsDownloadable: true }
                    || Field(stanzas[t], "Essential") is not null || Field(stanzas[t], "Protected") is not null || Field(stanzas[t], "Priority") is "required" or "important"
                    || Regex.Count(relations, $@"(^|[\s,|]){Regex.Escape(target)}([\s,:(]|$)", RegexOptions.Multiline) != 1)
                {
                    continue;
                }

                needsNew = name;
                newDependency = target;
                break;
            }

            if (needsNew is not null)
            {
                break;
            }
        }

        Skip.If(needsNew is null, "No installed package has a dependency that only it uses.");
        var others = eligible.Where(n => n != needsNew && n != newDependency).ToList();
        int step = others.Count / 8;
        var lowered = Enumerable.Range(0, 7).Select(k => others[3 + (k * step)]).ToList();
        string brokenByObsolete = lowered[^1];
        lowered.Add(needsNew!);

        foreach (var name in lowered)
        {
            stanzas[byName[name]] = WithField(stanzas[byName[name]], "Version", LowVersion);
        }

        int n = byName[needsNew!];
        stanzas[n] = WithField(stanzas[n], "Depends", string.Join(", ", Field(stanzas[n], "Depends")!.Split(", ").Where(t => t.Split(' ', ':')[0] != newDependency)));
        stanzas.RemoveAt(byName[newDependency!]);
        string candidateVersion = host.FindCandidate(brokenByObsolete)!.Version;
        stanzas.Add($"""
            Package: {ObsoleteName}
            Status: install ok installed
            Priority: optional
            Section: misc
            Installed-Size: 1
            Maintainer: AptOstree tests <tests@invalid>
            Architecture: all
            Version: 1.0
            Breaks: {brokenByObsolete} (>= {candidateVersion})
            Description: installed package that no index offers any more
            """);
        string path = dir.Combine("status");
        File.WriteAllText(path, string.Join("\n\n", stanzas) + "\n");
        return new Scenario(path, lowered, needsNew!, newDependency!, brokenByObsolete);
    }

    private static string? Field(string stanza, string name)
    {
        var m = Regex.Match(stanza, $"^{Regex.Escape(name)}: ?(.*)$", RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value.Trim() : null;
    }

    private static string WithField(string stanza, string name, string value) =>
        Regex.Replace(stanza, $"^{Regex.Escape(name)}:.*$", $"{name}: {value}", RegexOptions.Multiline);
}
