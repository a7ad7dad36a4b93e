namespace AptOstree.Deb.Solver;

/// <summary>
/// Whole-universe installability, as <c>dose-distcheck</c> defines it: a version is installable when some set
/// of versions containing it satisfies every Depends/Pre-Depends and violates no Conflicts/Breaks and no
/// one-version-per-package rule. All versions are eligible (not just candidates); Recommends are ignored.
/// </summary>
public sealed class InstallabilityChecker
{
    private readonly PackageUniverse _universe;

    /// <summary>Creates a checker over <paramref name="universe"/>.</summary>
    public InstallabilityChecker(PackageUniverse universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        _universe = universe;
    }

    /// <summary>Checks every version that an index offers (status-only versions are skipped).</summary>
    public InstallabilityReport CheckAll(CancellationToken cancellationToken = default)
    {
        int n = _universe.Packages.Count;
        var broken = StaticallyBroken();
        var installable = new bool[n];
        var undetermined = new List<UniversePackage>();
        var engine = new SearchEngine(_universe, _ => true, broken) { InstallRecommends = false, BacktrackBudget = 50_000 };
        int checkedCount = 0;
        for (int id = 0; id < n; id++)
        {
            var p = _universe.Packages[id];
            if (!p.IsDownloadable)
            {
                continue;
            }

            checkedCount++;
            if (broken[id] || installable[id])
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            engine.Reset();
            if (engine.Solve([new RootRequest([id], Soft: false, p.ToString())]))
            {
                foreach (int t in engine.TrueIds())
                {
                    installable[t] = true;
                }
            }
            else if (engine.BudgetExhausted)
            {
                undetermined.Add(p);
            }
            else
            {
                broken[id] = true;
            }
        }

        engine.Reset();
        var brokenList = Enumerable.Range(0, n).Where(i => broken[i] && _universe.Packages[i].IsDownloadable).Select(i => _universe.Packages[i])
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal).ToList();
        return new InstallabilityReport(checkedCount, brokenList, undetermined);
    }

    /// <summary>Fixpoint: a version is broken when one of its hard or-groups has only broken (or no) alternatives.</summary>
    internal bool[] StaticallyBroken()
    {
        int n = _universe.Packages.Count;
        var broken = new bool[n];
        var alive = new int[n][];
        var reverse = new List<(int Package, int Group)>?[n];
        var queue = new Queue<int>();
        for (int id = 0; id < n; id++)
        {
            var groups = _universe.Compiled(id).Hard;
            alive[id] = new int[groups.Length];
            for (int g = 0; g < groups.Length; g++)
            {
                alive[id][g] = groups[g].Candidates.Length;
                foreach (int c in groups[g].Candidates)
                {
                    (reverse[c] ??= []).Add((id, g));
                }

                if (groups[g].Candidates.Length == 0 && !broken[id])
                {
                    broken[id] = true;
                    queue.Enqueue(id);
                }
            }
        }

        while (queue.Count > 0)
        {
            int b = queue.Dequeue();
            if (reverse[b] is not { } users)
            {
                continue;
            }

            foreach (var (pkg, g) in users)
            {
                if (--alive[pkg][g] == 0 && !broken[pkg])
                {
                    broken[pkg] = true;
                    queue.Enqueue(pkg);
                }
            }
        }

        return broken;
    }
}
