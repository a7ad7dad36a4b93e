using AptOstree.Deb.Solver;

namespace AptOstree.Compose;

/// <summary>
/// The package set of a treefile, resolved as mmdebstrap does for the variant (Essential first on an empty root,
/// then the variant's priorities on top, no Recommends) plus the treefile's packages, minus its exclusions; or
/// exactly a lockfile's packages.
/// </summary>
public static class PackageSetResolver
{
    /// <summary>Resolves the set and returns it in install order (dependencies first).</summary>
    /// <exception cref="UnsatisfiableException">No installable set exists (with the solver's explanation).</exception>
    /// <exception cref="AptOstreeException">An excluded package is a hard dependency of the set, or a locked package is not in the indexes.</exception>
    public static IReadOnlyList<UniversePackage> Resolve(PackageUniverse universe, Treefile treefile, ComposeLockfile? lockfile = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(universe);
        ArgumentNullException.ThrowIfNull(treefile);
        var set = lockfile is not null ? FromLockfile(universe, lockfile) : FromTreefile(universe, treefile, cancellationToken);
        return InstallOrderPlanner.Plan(universe, set);
    }

    private static List<UniversePackage> FromTreefile(PackageUniverse universe, Treefile treefile, CancellationToken cancellationToken)
    {
        var excluded = new HashSet<string>(treefile.ExcludePackages, StringComparer.Ordinal);
        string native = universe.NativeArchitecture;
        var candidates = universe.Packages
            .Where(p => universe.IsCandidate(p) && (p.Architecture == native || p.Architecture == "all") && !excluded.Contains(p.Name))
            .ToList();
        var solver = new DependencySolver(universe);
        var essential = candidates.Where(p => p.Essential).Select(p => p.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var phase1 = solver.Solve(new SolverRequest { Install = essential.Select(n => new PackageRequest(n)).ToList(), InstallRecommends = false }, cancellationToken);
        var maxPriority = BootstrapSets.ParseVariant(treefile.Variant) switch
        {
            BootstrapVariant.Essential => (PackagePriority)0,
            BootstrapVariant.Minbase => PackagePriority.Required,
            BootstrapVariant.Important => PackagePriority.Important,
            _ => PackagePriority.Standard,
        };
        var variantNames = candidates.Where(p => !p.Essential && p.Priority <= maxPriority).Select(p => p.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var result = phase1.Installed;
        if (variantNames.Count > 0)
        {
            result = solver.Solve(new SolverRequest
            {
                Install = phase1.Installed.Select(p => new PackageRequest(p.Name, p.Architecture, p.Version)).Concat(variantNames.Select(n => new PackageRequest(n))).ToList(),
                InstallRecommends = false,
            }, cancellationToken).Installed;
        }

        if (treefile.Packages.Count > 0)
        {
            // The treefile's packages come last and may pull their Recommends (recommends: true); the base stays as resolved.
            result = solver.Solve(new SolverRequest
            {
                Install = result.Select(p => new PackageRequest(p.Name, p.Architecture, p.Version)).Concat(treefile.Packages.Select(PackageRequest.Parse)).ToList(),
                InstallRecommends = treefile.Recommends,
            }, cancellationToken).Installed;
        }

        foreach (var p in result)
        {
            if (excluded.Contains(p.Name))
            {
                var dependents = result.Where(d => Mentions(d.Depends, p.Name) || Mentions(d.PreDepends, p.Name)).Select(d => d.Name).ToList();
                throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile,
                    $"exclude-packages: {p.Name} is excluded but the package set needs it (hard dependency of {(dependents.Count > 0 ? string.Join(", ", dependents) : "a requested package")}).");
            }
        }

        return result.ToList();
    }

    private static bool Mentions(string? relations, string name) =>
        relations is not null && relations.Split([',', '|'], StringSplitOptions.TrimEntries).Any(r => r.Split([' ', ':', '('], 2)[0] == name);

    private static List<UniversePackage> FromLockfile(PackageUniverse universe, ComposeLockfile lockfile)
    {
        var result = new List<UniversePackage>();
        foreach (var locked in lockfile.Packages)
        {
            var match = universe.FindByName(locked.Name).FirstOrDefault(p => p.Version == locked.Version && p.Architecture == locked.Architecture && p.IsDownloadable)
                ?? throw new AptOstreeException(ComposeErrorCodes.InvalidLockfile,
                    $"lockfile: {locked.Name} {locked.Version} {locked.Architecture} is not in the indexes (the sources moved on; use a snapshot or update the lockfile).");
            if (match.Sha256 is not null && !string.Equals(match.Sha256, locked.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new AptOstreeException(ComposeErrorCodes.InvalidLockfile,
                    $"lockfile: {locked.Name} {locked.Version} has SHA-256 {locked.Sha256} in the lockfile but {match.Sha256} in the indexes.");
            }

            result.Add(match);
        }

        return result;
    }
}
