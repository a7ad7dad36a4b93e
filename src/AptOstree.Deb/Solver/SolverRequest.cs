namespace AptOstree.Deb.Solver;

/// <summary>What the solver is asked to do, relative to the installed packages of the universe.</summary>
public sealed record SolverRequest
{
    /// <summary>Packages to install (or upgrade to the requested version).</summary>
    public IReadOnlyList<PackageRequest> Install { get; init; } = [];

    /// <summary>Package names to remove.</summary>
    public IReadOnlyList<string> Remove { get; init; } = [];

    /// <summary>Upgrade installed packages to their candidates where nothing has to be removed or newly installed.</summary>
    public bool Upgrade { get; init; }

    /// <summary>Upgrade installed packages, installing and removing as needed (apt's dist-upgrade / full-upgrade).</summary>
    public bool DistUpgrade { get; init; }

    /// <summary>Follow Recommends of newly installed packages (APT's default).</summary>
    public bool InstallRecommends { get; init; } = true;

    /// <summary>Creates an install request for package names.</summary>
    public static SolverRequest ForInstall(IEnumerable<string> packages, bool installRecommends = true) =>
        new() { Install = packages.Select(PackageRequest.Parse).ToList(), InstallRecommends = installRecommends };
}
