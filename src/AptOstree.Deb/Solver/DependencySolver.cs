using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb.Solver;

/// <summary>
/// Resolves install, remove, upgrade and dist-upgrade requests against a <see cref="PackageUniverse"/> the way
/// APT's classic solver chooses (see <c>docs/solver.md</c> for the exact policy), but with complete
/// backtracking, so that an answer is always consistent and a failure always comes with an explanation.
/// </summary>
public sealed class DependencySolver
{
    private readonly PackageUniverse _universe;
    private readonly ILogger _logger;

    /// <summary>Creates a solver over <paramref name="universe"/>.</summary>
    public DependencySolver(PackageUniverse universe, ILogger<DependencySolver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(universe);
        _universe = universe;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Solves <paramref name="request"/>.</summary>
    /// <exception cref="UnsatisfiableException">No solution exists; the message explains why.</exception>
    /// <exception cref="AptOstreeException">A requested package is unknown (<see cref="AptErrorCodes.UnknownPackage"/>).</exception>
    public SolverSolution Solve(SolverRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var packages = _universe.Packages;
        var explicitIds = new HashSet<int>();
        var roots = new List<RootRequest>();
        foreach (var wanted in request.Install)
        {
            var ids = ResolveRequest(wanted);
            explicitIds.UnionWith(ids);
            roots.Add(new RootRequest(ids, Soft: false, wanted.ToString()));
        }

        var removed = new HashSet<string>(request.Remove, StringComparer.Ordinal);
        bool upgrading = request.Upgrade || request.DistUpgrade;
        var planned = new HashSet<int>();
        var installedSlots = new HashSet<int>();
        var keepRoots = new List<RootRequest>();
        var upgradeRoots = new List<RootRequest>();
        foreach (int installedId in _universe.InstalledIds)
        {
            var p = packages[installedId];
            if (removed.Contains(p.Name))
            {
                continue;
            }

            bool mustStay = p.Essential || p.Protected || request.Upgrade;
            int[] choice = [p.Id];
            installedSlots.Add(_universe.SlotOf(p.Id));
            if (upgrading && !p.IsHeld)
            {
                var candidate = _universe.FindCandidate(p.Name, p.Architecture);
                if (candidate is not null && candidate.Id != p.Id)
                {
                    choice = [candidate.Id, p.Id];
                }
            }

            planned.Add(choice[0]);

            (choice.Length > 1 ? upgradeRoots : keepRoots).Add(new RootRequest(choice, Soft: !mustStay, $"keeping {p.Name}:{p.Architecture} installed"));
        }

        // dist-upgrade (like pkgDistUpgrade, which marks every upgrade before it settles the rest) puts the upgrades
        // first; upgrade, which may neither remove nor install, settles what cannot change first and then upgrades
        // what still fits (APT's ResolveByKeep keeps the rest back).
        roots.AddRange(request.Upgrade ? keepRoots : upgradeRoots);
        roots.AddRange(request.Upgrade ? upgradeRoots : keepRoots);

        if (request.DistUpgrade)
        {
            // Like pkgDistUpgrade: Essential packages that are not installed get installed.
            foreach (var p in packages)
            {
                if (p.Essential && _universe.IsCandidateId(p.Id) && !packages.Any(q => q.IsInstalled && q.Name == p.Name))
                {
                    roots.Add(new RootRequest([p.Id], Soft: false, $"{p.Name} (Essential)"));
                }
            }
        }

        var installedNames = new HashSet<string>(_universe.InstalledIds.Select(id => packages[id].Name), StringComparer.Ordinal);
        // apt-get upgrade never installs a package that is not installed yet.
        Func<int, bool> allowed = request.Upgrade
            ? id => explicitIds.Contains(id) || ((_universe.IsCandidateId(id) || packages[id].IsInstalled) && installedSlots.Contains(_universe.SlotOf(id)))
            : id => _universe.IsCandidateId(id) || packages[id].IsInstalled || explicitIds.Contains(id);
        var engine = new SearchEngine(_universe, allowed)
        {
            InstallRecommends = request.InstallRecommends,
            Planned = planned.Count == 0 ? null : planned.Contains,

            // Recommends are followed for new packages only; kept installed ones stay as they are.
            FollowRecommendsOf = id => !packages[id].IsInstalled && !(request.Upgrade && installedNames.Contains(packages[id].Name)),
            FollowRecommendation = installedSlots.Count == 0 ? null : FollowsRecommendationOnUpgrade,
        };
        foreach (var name in removed)
        {
            foreach (int id in _universe.IdsOfName(name))
            {
                var p = packages[id];
                if (p.IsInstalled && (p.Essential || p.Protected))
                {
                    throw new UnsatisfiableException($"Refusing to remove {p}: it is {(p.Essential ? "Essential" : "Protected")}.", []);
                }
            }
        }

        SearchUntilStable(engine, roots, removed, id => !packages[id].IsInstalled && !explicitIds.Contains(id) && !installedSlots.Contains(_universe.SlotOf(id)), cancellationToken);

        var result = engine.TrueIds().Select(id => packages[id]).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal).ToList();
        var install = result.Where(p => !p.IsInstalled).ToList();
        var keptSlots = new HashSet<int>(result.Select(p => _universe.SlotOf(p.Id)));
        var remove = _universe.InstalledIds.Select(id => packages[id]).Where(p => !engine.IsTrue(p.Id) && !keptSlots.Contains(_universe.SlotOf(p.Id)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        AptLog.Solved(_logger, install.Count, remove.Count, result.Count);
        return new SolverSolution(install, remove, result);
    }

    /// <summary>
    /// APT's rule for the Recommends of a version that replaces an installed one (bug #470115): a Recommends is
    /// followed when the installed version did not recommend its first target, or when the installed version's
    /// Recommends on it was satisfied; an old Recommends that was never satisfied stays ignored.
    /// </summary>
    private bool FollowsRecommendationOnUpgrade(int id, DependencyGroup group)
    {
        int slot = _universe.SlotOf(id);
        int installed = -1;
        foreach (int other in _universe.IdsOfName(_universe.Packages[id].Name))
        {
            if (other != id && _universe.Packages[other].IsInstalled && _universe.SlotOf(other) == slot)
            {
                installed = other;
            }
        }

        if (installed < 0)
        {
            return true;
        }

        string target = TargetNames(group.Text).First();
        foreach (var old in _universe.Compiled(installed).Recommends)
        {
            if (TargetNames(old.Text).Contains(target, StringComparer.Ordinal))
            {
                return old.Candidates.Any(c => _universe.Packages[c].IsInstalled);
            }
        }

        return true;
    }

    /// <summary>The package names of an or-group's alternatives (<c>a (>= 1) | b:any</c> → a, b).</summary>
    private static IEnumerable<string> TargetNames(string groupText) =>
        groupText.Split(" | ").Select(alternative => alternative.Split(' ', ':', '(')[0]);

    /// <summary>
    /// Runs the search; when a later, preferred alternative wants to displace a version chosen earlier (APT's
    /// MarkInstall un-marks a new install that the package it installs now conflicts with), searches again with
    /// the displaced versions excluded from the start. If that leads nowhere, the plain search decides.
    /// </summary>
    private void SearchUntilStable(SearchEngine engine, List<RootRequest> roots, HashSet<string> removed, Func<int, bool> displaceable, CancellationToken cancellationToken)
    {
        const int MaxDisplacements = 64;
        var displaced = new List<int>();
        engine.Displaceable = displaceable;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            engine.Reset();
            foreach (var name in removed)
            {
                foreach (int id in _universe.IdsOfName(name))
                {
                    engine.Forbid(id);
                }
            }

            foreach (int id in displaced)
            {
                engine.Forbid(id);
            }

            if (engine.Solve(roots))
            {
                return;
            }

            if (engine.DisplacementRequest is { } more && displaced.Count < MaxDisplacements)
            {
                displaced.AddRange(more);
                continue;
            }

            if (engine.Displaceable is not null && (displaced.Count > 0 || engine.DisplacementRequest is not null))
            {
                displaced.Clear();
                engine.Displaceable = null;
                continue;
            }

            string what = engine.BudgetExhausted ? "The solver gave up after too many backtracking steps." : "The request cannot be satisfied.";
            var lines = engine.FirstFailure?.Lines ?? [];
            AptLog.Unsatisfiable(_logger, string.Join(" / ", lines));
            throw new UnsatisfiableException(what, lines);
        }
    }

    /// <summary>The version a request names: the candidate (or the named version/suite) of the package, or the sole provider of a virtual name.</summary>
    /// <returns>The <see cref="UniversePackage.Id"/> of the chosen version.</returns>
    public int FindRequested(PackageRequest wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        return ResolveRequest(wanted)[0];
    }

    /// <summary>The versions that satisfy one requested package, best first.</summary>
    internal int[] ResolveRequest(PackageRequest wanted)
    {
        var packages = _universe.Packages;
        var ids = _universe.IdsOfName(wanted.Name)
            .Where(id => wanted.Architecture is null
                ? _universe.EffectiveArchitecture(packages[id].Architecture) == _universe.NativeArchitecture || packages[id].MultiArch == MultiArchKind.Foreign
                : _universe.EffectiveArchitecture(packages[id].Architecture) == _universe.EffectiveArchitecture(wanted.Architecture))
            .Where(id => wanted.Version is null || DebianVersion.Compare(packages[id].Version, wanted.Version) == 0)
            .Where(id => wanted.Suite is null || (packages[id].Origin?.Matches(wanted.Suite) ?? false))
            .Where(id => wanted.Version is not null || wanted.Suite is not null || _universe.IsCandidateId(id) || packages[id].IsInstalled)
            .OrderByDescending(id => _universe.IsCandidateId(id))
            .ThenByDescending(id => _universe.EffectiveArchitecture(packages[id].Architecture) == _universe.NativeArchitecture)
            .ToArray();
        if (ids.Length == 0 && wanted.Version is null && wanted.Suite is null)
        {
            // A virtual package: apt installs its provider when there is exactly one.
            var providers = _universe.FindProviders(wanted.Name).Where(p => _universe.IsCandidateId(p.Id)).Select(p => p.Id).Distinct().ToArray();
            if (providers.Length == 1)
            {
                return providers;
            }

            if (providers.Length > 1)
            {
                throw new AptOstreeException(AptErrorCodes.UnknownPackage, $"Package {wanted.Name} is a virtual package provided by several packages ({string.Join(", ", providers.Select(i => packages[i].Name).Distinct().Take(10))}); name one of them.");
            }
        }

        if (ids.Length == 0)
        {
            throw new AptOstreeException(AptErrorCodes.UnknownPackage, $"Package {wanted} has no installation candidate in the configured indexes.");
        }

        return ids;
    }
}
