namespace AptOstree.Deb.Solver;

/// <summary>The result of checking every package of a universe for installability.</summary>
/// <param name="Checked">Number of versions checked.</param>
/// <param name="Broken">Versions that cannot be installed in any way (sorted by name).</param>
/// <param name="Undetermined">Versions the search gave up on within its budget (sorted by name).</param>
public sealed record InstallabilityReport(int Checked, IReadOnlyList<UniversePackage> Broken, IReadOnlyList<UniversePackage> Undetermined);
