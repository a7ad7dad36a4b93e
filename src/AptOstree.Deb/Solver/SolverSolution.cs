namespace AptOstree.Deb.Solver;

/// <summary>The solver's answer: what changes, and the complete set of packages installed afterwards.</summary>
/// <param name="Install">Versions to install: new packages, upgrades and downgrades (sorted by name).</param>
/// <param name="Remove">Installed versions removed without a replacement version (sorted by name).</param>
/// <param name="Installed">Every version installed after the change, kept ones included (sorted by name).</param>
public sealed record SolverSolution(IReadOnlyList<UniversePackage> Install, IReadOnlyList<UniversePackage> Remove, IReadOnlyList<UniversePackage> Installed)
{
    /// <summary>Sum of the .deb sizes of <see cref="Install"/>, in bytes.</summary>
    public long DownloadSize => Install.Sum(p => p.Size);

    /// <summary>Sum of Installed-Size of <see cref="Install"/>, in KiB.</summary>
    public long InstalledSizeKiB => Install.Sum(p => p.InstalledSize);
}
