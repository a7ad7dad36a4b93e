namespace AptOstree.Deb.Solver;

/// <summary>
/// Bootstrap package sets computed like mmdebstrap: first the Essential packages of the native architecture are
/// resolved on an empty root, then the packages of the variant's priorities are resolved on top of them; both
/// steps without Recommends (mmdebstrap sets <c>APT::Install-Recommends false</c>).
/// </summary>
public static class BootstrapSets
{
    /// <summary>Parses a variant name: <c>essential</c>, <c>minbase</c>/<c>required</c>, <c>important</c>/<c>debootstrap</c>, <c>standard</c>.</summary>
    public static BootstrapVariant ParseVariant(string name) => name switch
    {
        "essential" => BootstrapVariant.Essential,
        "minbase" or "required" => BootstrapVariant.Minbase,
        "important" or "debootstrap" or "-" => BootstrapVariant.Important,
        "standard" => BootstrapVariant.Standard,
        _ => throw new AptOstreeException(AptErrorCodes.UnknownVariant, $"Unknown bootstrap variant '{name}' (essential, minbase, required, important, standard)."),
    };

    /// <summary>Resolves the complete package set of <paramref name="variant"/> plus <paramref name="include"/> on an empty root.</summary>
    public static SolverSolution Resolve(PackageUniverse universe, BootstrapVariant variant, IEnumerable<string>? include = null)
    {
        ArgumentNullException.ThrowIfNull(universe);
        var native = universe.NativeArchitecture;
        var candidates = universe.Packages.Where(p => universe.IsCandidateId(p.Id) && universe.EffectiveArchitecture(p.Architecture) == native).ToList();
        var essential = candidates.Where(p => p.Essential).Select(p => p.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var solver = new DependencySolver(universe);
        var phase1 = solver.Solve(new SolverRequest { Install = essential.Select(n => new PackageRequest(n)).ToList(), InstallRecommends = false });
        var maxPriority = variant switch
        {
            BootstrapVariant.Essential => (PackagePriority)0,
            BootstrapVariant.Minbase => PackagePriority.Required,
            BootstrapVariant.Important => PackagePriority.Important,
            _ => PackagePriority.Standard,
        };
        var second = candidates.Where(p => !p.Essential && p.Priority <= maxPriority).Select(p => p.Name)
            .Concat(include ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        if (second.Count == 0)
        {
            return phase1;
        }

        var request = new SolverRequest
        {
            Install = phase1.Installed.Select(p => new PackageRequest(p.Name, p.Architecture, p.Version))
                .Concat(second.Select(PackageRequest.Parse)).ToList(),
            InstallRecommends = false,
        };
        return solver.Solve(request);
    }
}
