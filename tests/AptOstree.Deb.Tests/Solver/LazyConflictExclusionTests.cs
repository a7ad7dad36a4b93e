using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>
/// The search applies a chosen version's own Conflicts/Breaks eagerly and the other direction lazily (no reverse index
/// over the whole universe). After a real search on the host lists, every version's exclusion must be what eager,
/// symmetric exclusion computed from a full reverse index gives.
/// </summary>
public sealed class LazyConflictExclusionTests
{
    [SkippableTheory]
    [InlineData("task-gnome-desktop")]
    [InlineData("task-kde-desktop")]
    [InlineData("exim4")]
    public void Exclusions_equal_the_full_reverse_conflict_index_on_the_host_lists(string package)
    {
        var universe = HostUniverse.Get();
        int n = universe.Packages.Count;
        var target = universe.FindCandidate(package);
        Skip.If(target is null, $"{package} is not in the host lists.");

        var engine = new SearchEngine(universe, universe.IsCandidateId) { InstallRecommends = true };
        Assert.True(engine.Solve([new RootRequest([target!.Id], Soft: false, package)]));

        // The reverse index the search no longer builds: who declares a conflict against each version.
        var declaredAgainst = new List<int>?[n];
        for (int y = 0; y < n; y++)
        {
            foreach (int t in universe.ConflictIds(y))
            {
                (declaredAgainst[t] ??= []).Add(y);
            }
        }

        int chosen = 0, excludedByReverseOnly = 0;
        for (int id = 0; id < n; id++)
        {
            if (engine.IsTrue(id))
            {
                chosen++;
                continue;
            }

            bool forward = (declaredAgainst[id] ?? []).Any(engine.IsTrue);
            bool reverse = universe.ConflictIds(id).Any(engine.IsTrue);
            bool slot = universe.IdsOfName(universe.Packages[id].Name).Any(y => y != id && engine.IsTrue(y) && !CanCoexist(universe, id, y));
            Assert.True(engine.IsFalse(id) == (forward || reverse || slot), $"{universe.Packages[id]}: excluded {engine.IsFalse(id)}, expected {forward || reverse || slot}");
            if (reverse && !forward && !slot)
            {
                excludedByReverseOnly++;
                Assert.True(engine.IsTrue(engine.ExcludedBy(id)), $"{universe.Packages[id]} names a chosen version as its excluder");
            }
        }

        Assert.True(chosen > 10);
        Assert.True(excludedByReverseOnly > 0 || package == "exim4", "the lazy direction was exercised");
    }

    private static bool CanCoexist(PackageUniverse universe, int a, int b)
    {
        if (universe.SlotOf(a) == universe.SlotOf(b))
        {
            return false;
        }

        var p = universe.Packages[a];
        var q = universe.Packages[b];
        return p.MultiArch == MultiArchKind.Same && q.MultiArch == MultiArchKind.Same && AptOstree.Deb.DebianVersion.Compare(p.Version, q.Version) == 0;
    }
}
