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

    /// <summary>Versions tried together in one search before each is checked alone.</summary>
    private const int BatchSize = 2048;

    /// <summary>Checks every version that an index offers (status-only versions are skipped).</summary>
    /// <remarks>
    /// Versions are first tried in batches (one search with every version of the batch as an optional root): every
    /// version of a found solution is installable, whatever its root. The solution is verified independently
    /// before it is trusted. Only the versions a batch could not place get a search of their own, whose failure
    /// proves them broken.
    /// </remarks>
    public InstallabilityReport CheckAll(CancellationToken cancellationToken = default)
    {
        int n = _universe.Packages.Count;
        var broken = StaticallyBroken();
        var installable = new bool[n];
        var undetermined = new List<UniversePackage>();
        var engine = new SearchEngine(_universe, _ => true, broken) { InstallRecommends = false, BacktrackBudget = 50_000 };
        var batchEngine = new SearchEngine(_universe, _ => true, broken) { InstallRecommends = false, BacktrackBudget = 5_000 };
        int checkedCount = 0;
        var batch = new List<int>(BatchSize);
        for (int id = 0; id < n; id++)
        {
            if (!_universe.Packages[id].IsDownloadable)
            {
                continue;
            }

            checkedCount++;
            if (broken[id] || installable[id])
            {
                continue;
            }

            batch.Add(id);
            if (batch.Count == BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                CheckBatch(batch, batchEngine, engine, broken, installable, undetermined);
                batch.Clear();
            }
        }

        CheckBatch(batch, batchEngine, engine, broken, installable, undetermined);
        engine.Reset();
        batchEngine.Reset();
        var brokenList = Enumerable.Range(0, n).Where(i => broken[i] && _universe.Packages[i].IsDownloadable).Select(i => _universe.Packages[i])
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal).ToList();
        return new InstallabilityReport(checkedCount, brokenList, undetermined);
    }

    private void CheckBatch(List<int> batch, SearchEngine batchEngine, SearchEngine engine, bool[] broken, bool[] installable, List<UniversePackage> undetermined)
    {
        if (batch.Count == 0)
        {
            return;
        }

        // Versions left out of one batch solution (they conflict with an earlier choice) go into the next one while
        // that places at least one of them.
        var pending = batch;
        while (pending.Count > 1)
        {
            batchEngine.Reset();
            var roots = pending.Select(id => new RootRequest([id], Soft: true, _universe.Packages[id].ToString())).ToList();
            if (!batchEngine.Solve(roots))
            {
                break;
            }

            var solution = batchEngine.TrueIds().ToList();
            if (!IsConsistent(solution))
            {
                break;
            }

            foreach (int t in solution)
            {
                installable[t] = true;
            }

            var left = pending.Where(id => !installable[id] && !broken[id]).ToList();
            if (left.Count == pending.Count)
            {
                break;
            }

            pending = left;
        }

        foreach (int id in batch)
        {
            if (installable[id] || broken[id])
            {
                continue;
            }

            engine.Reset();
            if (engine.Solve([new RootRequest([id], Soft: false, _universe.Packages[id].ToString())]))
            {
                foreach (int t in engine.TrueIds())
                {
                    installable[t] = true;
                }
            }
            else if (engine.BudgetExhausted)
            {
                undetermined.Add(_universe.Packages[id]);
            }
            else
            {
                broken[id] = true;
            }
        }
    }

    /// <summary>
    /// Independent check of a set of versions: every hard or-group of every member has a member, no member
    /// conflicts with another, and two members of one name are of different architectures and co-installable
    /// (both <c>Multi-Arch: same</c> at the same version).
    /// </summary>
    internal bool IsConsistent(IReadOnlyCollection<int> set)
    {
        var member = new HashSet<int>(set);
        foreach (int t in set)
        {
            var compiled = _universe.Compiled(t);
            foreach (var group in compiled.Hard)
            {
                if (!group.Candidates.Any(member.Contains))
                {
                    return false;
                }
            }

            if (compiled.Conflicts.Any(member.Contains))
            {
                return false;
            }

            var p = _universe.Packages[t];
            foreach (int other in _universe.IdsOfName(p.Name))
            {
                if (other != t && member.Contains(other))
                {
                    var q = _universe.Packages[other];
                    if (_universe.SlotOf(other) == _universe.SlotOf(t) || p.MultiArch != MultiArchKind.Same || q.MultiArch != MultiArchKind.Same || p.Version != q.Version)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
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
